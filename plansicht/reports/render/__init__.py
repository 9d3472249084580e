"""The report renderers: one content model (:mod:`plansicht.reports.content`) to PDF, DOCX
and ODT. Pure of requests and gettext: usable from a command, a task or a view alike.

    render(report, "pdf", archival=True) -> bytes
"""

from ..content import Report

FORMATS = ("pdf", "docx", "odt")
MEDIA_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "odt": "application/vnd.oasis.opendocument.text",
}
EXTENSIONS = {"pdf": ".pdf", "docx": ".docx", "odt": ".odt"}


def render(report: Report, fmt: str, *, archival: bool = False) -> bytes:
    """The report as a file in ``fmt`` (one of :data:`FORMATS`).

    ``archival`` asks for the issued copy: for PDF that is PDF/A-3b (still tagged), for DOCX
    and ODT it changes nothing. The libraries are imported only for the format asked for.
    """
    if fmt == "pdf":
        from .pdf import render_pdf

        return render_pdf(report, archival=archival)
    if fmt == "docx":
        from .docx import render_docx

        return render_docx(report)
    if fmt == "odt":
        from .odt import render_odt

        return render_odt(report)
    raise ValueError(f"unknown format {fmt!r}: one of {', '.join(FORMATS)}")
