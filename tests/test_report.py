import shutil
import subprocess

import pytest

from pipeline.report import mark_up, write_report


def test_report_mark_up_overlaps_and_escapes():
    html = mark_up("<b>企业</b>", [(3, 5, "a-enterprise"), (3, 4, "t-actors")])
    assert "&lt;b&gt;" in html and "<b>" not in html
    assert '<span class="a-enterprise t-actors">企</span><span class="a-enterprise">业</span>' in html


def test_report_self_contained_and_escaped(tmp_path):
    src = tmp_path / "docs"
    src.mkdir()
    (src / "evil.txt").write_text(
        "测试文件\n学校与企业共建实训基地<script>alert(1)</script>。\n市财政安排专项资金<img src=x onerror=alert(2)>。\n", encoding="utf-8")
    out = write_report(src, tmp_path / "r.html")
    text = out.read_text(encoding="utf-8")
    assert "<script>" not in text and "<img" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text and "&lt;img src=x onerror=alert(2)&gt;" in text
    for remote in ("http://", "https://", "src=\"//"):
        assert remote not in text.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "<svg" in text and "图例 legend" in text and 'class="t-resources' in text and "a-enterprise" in text


@pytest.mark.slow
def test_report_screenshot_in_headless_chromium(tmp_path):
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if not browser:
        pytest.skip("Chromium is not installed")
    from pathlib import Path

    out = write_report(Path(__file__).resolve().parents[1] / "corpus" / "sample", tmp_path / "r.html")
    png = tmp_path / "shot.png"
    subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--no-first-run", f"--user-data-dir={tmp_path / 'profile'}",
                    f"--screenshot={png}", "--window-size=1200,1600", out.as_uri()], check=True, capture_output=True, timeout=120)
    assert png.exists() and png.stat().st_size > 10_000
