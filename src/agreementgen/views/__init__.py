"""View stage: each document as a renderer-neutral tree of blocks, facts and drawings."""
