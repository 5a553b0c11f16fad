"""Pure statistics with numpy and scipy and no Django import, so any app, command, benchmark or notebook can
use them: the TI CPI composite engine, raking and trimming of survey weights, and design-based estimation."""
