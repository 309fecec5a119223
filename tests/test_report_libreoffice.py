"""The Word report opens in LibreOffice: converted to PDF there, it has pages with the strategy, its goals and
the charts as images. LibreOffice Writer is a requirement of the test suite (.ci/run and
scripts/ensure-browser.sh install it), so a missing one fails the test rather than skipping it."""

import shutil
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

from tests.test_report_snapshots import _freeze, _only_snapshot
from tests.test_reports import seed_report

#: Seconds LibreOffice may take to start and convert one document.
CONVERT_TIMEOUT = 240


def _soffice() -> str:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    assert found, "LibreOffice Writer is missing: apt-get install libreoffice-writer-nogui"
    return found


def _as_pdf(docx: bytes, folder: Path) -> PdfReader:
    """`docx` converted to PDF by LibreOffice, with a profile of its own (no clash with a running one)."""
    source = folder / "report.docx"
    source.write_bytes(docx)
    profile = (folder / "profile").as_uri()
    result = subprocess.run(
        [
            _soffice(),
            f"-env:UserInstallation={profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(folder),
            str(source),
        ],
        capture_output=True,
        text=True,
        timeout=CONVERT_TIMEOUT,
        check=False,
    )
    pdf = folder / "report.pdf"
    assert result.returncode == 0 and pdf.exists(), result.stderr or result.stdout
    return PdfReader(pdf)


def _text(reader: PdfReader) -> str:
    return "\n".join(page.extract_text() or "" for page in reader.pages)


@pytest.fixture
def seeded(org, make_user):
    return seed_report(org, make_user)


def test_the_word_report_opens_in_libreoffice_with_its_charts(client, org, login, seeded, tmp_path):
    login("viewer")
    response = client.get(f"/o/{org.slug}/strategies/{seeded['strategy'].id}/report.docx")
    assert response.status_code == 200
    reader = _as_pdf(response.data, tmp_path)
    assert len(reader.pages) >= 1
    text = _text(reader)
    assert "Erhvervsstrategi 2016–2027" in text
    assert "Et bedre erhvervsklima" in text and "Flere arbejdspladser" in text
    assert sum(len(page.images) for page in reader.pages) >= 2  # the two KPIs' charts


def test_a_frozen_reports_word_file_opens_in_libreoffice(client, org, login, seeded, tmp_path):
    login("facilitator")
    _freeze(client, org, seeded["strategy"], choose_sections="1", **{"section-summary": "1"})
    response = client.get(f"/o/{org.slug}/snapshots/{_only_snapshot().id}/report.docx")
    assert response.status_code == 200
    reader = _as_pdf(response.data, tmp_path)
    assert len(reader.pages) >= 1
    text = _text(reader)
    assert "Erhvervsstrategi 2016–2027" in text and "Byrådsmøde 12. januar 2027" in text
    assert "Et bedre erhvervsklima" in text
