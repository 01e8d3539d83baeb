"""Progress bars: tqdm when asked for (tqdm.auto renders in Jupyter), nothing otherwise."""

from __future__ import annotations

from typing import Any

__all__ = ["progress_bar"]


class _Silent:
    """A stand-in for a disabled tqdm bar (importing tqdm.auto in Jupyter without
    ipywidgets warns even when the bar is disabled)."""

    def update(self, n: int = 1) -> None:
        """Ignore progress."""

    def set_postfix_str(self, s: str = "", refresh: bool = True) -> None:
        """Ignore the text after the bar."""

    def close(self) -> None:
        """Nothing to close."""

    def __enter__(self) -> _Silent:
        return self

    def __exit__(self, *exc: object) -> None:
        return None


def progress_bar(total: int, *, enabled: bool, desc: str, unit: str, initial: int = 0) -> Any:
    """A tqdm progress bar (``tqdm.auto``: a widget in Jupyter), or a silent stand-in."""
    if not enabled:
        return _Silent()
    from tqdm.auto import tqdm

    return tqdm(
        total=total,
        initial=initial,
        unit=unit,
        desc=desc,
        smoothing=0.1,
        dynamic_ncols=True,
    )
