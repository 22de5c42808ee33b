"""The PDF of a letter: its content laid out for templates/supervision/letters/letter_pdf.html."""
from etown.documents import issuer_size_class, official_date, render_pdf, signature_offsets, width_em

from ..models import SupervisionLetter
from ..models.letters import DEADLINE_MARK

ORDINALS = "一二三四五六七八九十"
TEMPLATE = "supervision/letters/letter_pdf.html"


def chinese_ordinal(n):
    """1 → 一, 10 → 十, 12 → 十二, 21 → 二十一 (up to 99)."""
    if n <= 10:
        return ORDINALS[n - 1]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else ORDINALS[tens - 1]) + "十" + (ORDINALS[ones - 1] if ones else "")


def _deadline_label(letter):
    return {
        SupervisionLetter.Kind.FIRST: "原整改时限",
        SupervisionLetter.Kind.SECOND: "督办期限",
        SupervisionLetter.Kind.TERMINATION: "最后期限",
    }[letter.kind]


def title_lines(title, per_line=20):
    """The title over as few lines as fit (22 pt on a 156 mm line: 20 characters), broken
    where the meaning allows (GB/T 9704 §7.3.2: 回行时词意完整、排列对称): after the
    project's name when that gives two fitting lines, else near the middle."""
    if width_em(title) <= per_line:
        return [title]
    candidates = []
    for marker in ("项目", "关于", "的"):
        start = 0
        while (index := title.find(marker, start)) >= 0:
            cut = index + len(marker) if marker != "的" else index
            first, second = title[:cut], title[cut:]
            if first and second and width_em(first) <= per_line and width_em(second) <= per_line:
                candidates.append((abs(width_em(first) - width_em(second)), cut))
            start = index + 1
        if candidates:
            break
    if candidates:
        cut = min(candidates)[1]
        return [title[:cut], title[cut:]]
    # No natural break fits: lines of even length (as many as needed).
    lines_needed = -(-width_em(title) // per_line)
    target = width_em(title) / lines_needed
    cut = next(i for i in range(1, len(title) + 1) if width_em(title[:i]) >= target or width_em(title[:i + 1]) > per_line)
    return [title[:cut]] + title_lines(title[cut:], per_line)


def requirements_text(letter):
    text = letter.requirements
    if letter.deadline:
        text = text.replace(DEADLINE_MARK, official_date(letter.deadline))
    return [line.strip() for line in text.splitlines() if line.strip()]


def letter_document(letter, items=None):
    """Everything the template prints, as plain text (no model access in the template)."""
    items = list(letter.items.order_by("due_date", "pk")) if items is None else items
    date_text = official_date(letter.issued_on) if letter.issued_on else "（印发时填写）"
    signature_class, date_class = signature_offsets(letter.signature, date_text)
    label = _deadline_label(letter)
    contact = ""
    if letter.contact_person or letter.contact_phone:
        parts = []
        if letter.contact_person:
            parts.append(f"联系人：{letter.contact_person}")
        if letter.contact_phone:
            parts.append(f"联系电话：{letter.contact_phone}")
        contact = "　".join(parts)
    return {
        "issuer": letter.county.office_name,
        "issuer_class": issuer_size_class(letter.county.office_name),
        "number": letter.number,
        # 上行文 carry their 签发人 on the number line (GB/T 9704-2012 7.2.5; issue 12).
        "signer": (letter.issued_by.get_full_name() or letter.issued_by.get_username())
        if letter.kind == SupervisionLetter.Kind.TERMINATION and letter.issued_by_id else "",
        "title": letter.title,
        "title_lines": title_lines(letter.title),
        "addressee": letter.addressee.rstrip("：:"),
        "opening": letter.paragraphs("opening"),
        "items": [
            {
                "ordinal": chinese_ordinal(i),
                "problem": item.problem,
                "measures": item.measures.strip().rstrip("。；;."),
                "units": item.units,
                "persons": item.persons,
                "deadline_label": label,
                # The first letter quotes the original deadline; later ones the one the
                # previous letter set (the item's current deadline before this letter).
                "deadline": official_date(item.deadline if letter.kind == SupervisionLetter.Kind.FIRST else _previous_due(item, letter)),
            }
            for i, item in enumerate(items, 1)
        ],
        "requirements": requirements_text(letter),
        "contact": contact,
        "signature": letter.signature,
        "date": date_text,
        "signature_class": signature_class,
        "date_class": date_class,
        "cc": letter.cc.strip().rstrip("。"),
    }


def _previous_due(item, letter):
    """The deadline the item had before ``letter`` escalated it."""
    for step in item.escalations.all():
        if step.letter_id == letter.pk:
            return step.previous_due_date
    return item.due_date


def letter_text(letter, items=None):
    """All the printed text of a letter, for the glyph check before issuing."""
    doc = letter_document(letter, items)
    parts = [doc["issuer"], doc["title"], doc["addressee"], doc["contact"], doc["signature"], doc["cc"], letter.number, doc["signer"]]
    parts += doc["opening"] + doc["requirements"] + doc["title_lines"]
    for item in doc["items"]:
        parts += [item["problem"], item["measures"], item["units"], item["persons"]]
    return "\n".join(p for p in parts if p)


def letter_pdf_bytes(letter):
    return render_pdf(TEMPLATE, {"doc": letter_document(letter)})


__all__ = ["letter_document", "letter_pdf_bytes", "letter_text", "chinese_ordinal", "width_em"]
