from pathlib import Path

import pytest

from adal.stats.tables import read_wide_table

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="session")
def cpi_2023_path():
    return FIXTURES / "CPI2023_global_results_trends.psv"


@pytest.fixture(scope="session")
def timeseries_path():
    return FIXTURES / "CPI_timeseries_2012-2022.csv"


@pytest.fixture(scope="session")
def cpi_2023(cpi_2023_path):
    return read_wide_table(cpi_2023_path)
