"""The portal's figures written in each language: small whole numbers as they are, larger ones grouped
as the locale groups them, fractions with the locale's decimal mark."""

import pytest
from django.utils import translation

from adal.portal.templatetags.portal_format import count, days, percent, share_with_interval
from adal.stats.rates import share


@pytest.mark.parametrize(
    ("language", "thousands", "decimal"), [("ru", "\xa0", ","), ("kk", "\xa0", ","), ("en", ",", ".")]
)
def test_figures_are_written_as_the_readers_language_writes_them(language, thousands, decimal):
    with translation.override(language):
        assert count(7) == "7" and count(999) == "999" and count(0) == "0"
        assert count(1234567) == f"1{thousands}234{thousands}567"
        assert count(None) == "—" and count("") == "—"
        assert percent(0.724) == "72%" and percent(1.0) == "100%"
        assert days(3.0) == "3" and days(2.5) == f"2{decimal}5" and days(None) == "—"
        written = share_with_interval(share(1300, 1800))
        assert written.startswith("72% (70–74%)") and written.endswith(f"1{thousands}800")
