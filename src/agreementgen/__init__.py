"""agreementgen: the LBF document set of a boligsocial helhedsplan, built from validated YAML."""

__version__ = "0.1.0"
