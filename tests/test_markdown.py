from agreementgen.text.markdown import (
    Heading,
    ListBlock,
    MdTable,
    Paragraph,
    Span,
    parse_markdown,
    plain_text,
)


def test_paragraphs_emphasis_and_links() -> None:
    (para,) = parse_markdown("Et **fed** og *kursiv* [link](https://lbf.dk) ord.")
    assert isinstance(para, Paragraph)
    assert para.spans == (
        Span("Et "),
        Span("fed", bold=True),
        Span(" og "),
        Span("kursiv", italic=True),
        Span(" "),
        Span("link", href="https://lbf.dk"),
        Span(" ord."),
    )


def test_lines_of_a_paragraph_join_with_spaces() -> None:
    (para,) = parse_markdown("første linje\nanden linje")
    assert plain_text(para.spans) == "første linje anden linje"  # type: ignore[union-attr]


def test_lists_nest_and_numbered_lists_keep_their_start() -> None:
    blocks = parse_markdown("- a\n  - b\n- c\n\n3. tre\n4. fire\n")
    bullets, numbers = blocks
    assert isinstance(bullets, ListBlock) and not bullets.ordered
    first_item = bullets.items[0]
    assert isinstance(first_item[1], ListBlock)
    assert isinstance(numbers, ListBlock) and numbers.ordered and numbers.start == 3


def test_tables_are_parsed_with_alignment() -> None:
    (table,) = parse_markdown("| a | b |\n|:--|--:|\n| 1 | 2 |\n")
    assert isinstance(table, MdTable)
    assert [plain_text(c) for c in table.header] == ["a", "b"]
    assert table.align == ("left", "right")
    assert [plain_text(c) for c in table.rows[0]] == ["1", "2"]


def test_raw_html_and_template_syntax_stay_literal_text() -> None:
    (para,) = parse_markdown("<b>x</b> {{ 7*7 }} {% if %} & <")
    assert plain_text(para.spans) == "<b>x</b> {{ 7*7 }} {% if %} & <"  # type: ignore[union-attr]


def test_headings_keep_their_level() -> None:
    (heading,) = parse_markdown("### Familieformer")
    assert heading == Heading(3, (Span("Familieformer"),))
