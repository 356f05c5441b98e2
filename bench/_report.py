"""How every benchmark prints a figure: `name: value unit (goal ≤ X)`, one line each."""


def figure(name: str, value: float | int | str, unit: str = "", *, goal: str = "", digits: int = 2) -> None:
    """Print one figure. `goal` is the issue's target as written (e.g. "≤ 2.0", "equal");
    figures without one are context for the reader."""
    if isinstance(value, float):
        value = f"{value:.{digits}f}"
    line = f"{name}: {value}"
    if unit:
        line += f" {unit}"
    if goal:
        line += f" (goal {goal})"
    print(line, flush=True)
