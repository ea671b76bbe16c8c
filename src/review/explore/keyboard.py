"""Keyboard and screen-reader use of the explorers inside JupyterLab.

JupyterLab's command mode takes keys such as ArrowDown, ``a``, ``b`` and ``d, d`` for the
notebook, even when a drop-down inside an output has the focus (its bindings' selectors end in
``:focus``, which the focused drop-down itself matches). Lumino, JupyterLab's widget toolkit, looks
for a shortcut from the key's target upwards and stops at an element marked
``data-lm-suppress-shortcuts`` (the mechanism JupyterLab's own shortcut editor uses for its
key-capture box), so every control of an explorer is marked with it, and keeps every key for
itself: ArrowDown moves through a drop-down's choices, Space presses a button, Tab moves on.

ipywidgets has no way to set an arbitrary attribute, so a small script (displayed once with the
explorer, executed by JupyterLab's JavaScript renderer for output the session produced) marks
every element of class :data:`ROOT_CLASS` as it appears, and also:

- sets ``aria-pressed`` on the audience toggle's buttons (ipywidgets marks the pressed one only
  with a class);
- makes the element of class :data:`STATUS_CLASS` a polite live region (``role="status"``), so a
  screen reader announces "Table updated: ..." when a filter changes the table;
- adds a visible focus ring (3 px, high contrast) to the explorer's controls.

Nothing of this reaches a batch report: the explorer is not displayed there.
"""

from __future__ import annotations

from IPython.display import Javascript

__all__ = ["FOCUS_CSS", "KEYBOARD_JS", "ROOT_CLASS", "STATUS_CLASS"]

ROOT_CLASS = "review-explorer"
"""The class of an explorer's outer box."""
STATUS_CLASS = "review-explorer-status"
"""The class of the explorer's live region."""

FOCUS_CSS = (
    f".{ROOT_CLASS} select:focus-visible, .{ROOT_CLASS} button:focus-visible, "
    f".{ROOT_CLASS} a:focus-visible, .{ROOT_CLASS} input:focus-visible "
    "{ outline: 3px solid #1a1a1a !important; outline-offset: 2px !important; "
    "box-shadow: 0 0 0 5px #ffbf47 !important; }"
)
"""A focus ring visible on any background (dark outline inside a yellow halo, as GOV.UK's)."""

_SCRIPT = """
(function () {
  if (!document.getElementById('review-explorer-style')) {
    const style = document.createElement('style');
    style.id = 'review-explorer-style';
    style.textContent = %(css)s;
    document.head.appendChild(style);
  }
  const mark = function () {
    document.querySelectorAll('.%(root)s').forEach(function (root) {
      if (root.getAttribute('data-lm-suppress-shortcuts') !== 'true') {
        root.setAttribute('data-lm-suppress-shortcuts', 'true');
        root.setAttribute('role', 'region');
        root.setAttribute('aria-label', 'Explorer');
      }
      root.querySelectorAll('select, button, input, textarea, a').forEach(function (el) {
        if (!el.hasAttribute('data-lm-suppress-shortcuts')) { el.setAttribute('data-lm-suppress-shortcuts', 'true'); }
      });
      root.querySelectorAll('.widget-toggle-button').forEach(function (b) {
        const pressed = b.classList.contains('mod-active') ? 'true' : 'false';
        if (b.getAttribute('aria-pressed') !== pressed) { b.setAttribute('aria-pressed', pressed); }
      });
      root.querySelectorAll('.%(status)s').forEach(function (s) {
        if (s.getAttribute('role') !== 'status') {
          s.setAttribute('role', 'status');
          s.setAttribute('aria-live', 'polite');
          s.setAttribute('aria-atomic', 'true');
        }
      });
    });
  };
  mark();
  if (!window.reviewExplorerObserver) {
    window.reviewExplorerObserver = new MutationObserver(mark);
    window.reviewExplorerObserver.observe(document.body, {subtree: true, childList: true,
                                                          attributes: true, attributeFilter: ['class']});
  }
})();
"""

KEYBOARD_JS = Javascript(_SCRIPT % {"css": repr(FOCUS_CSS), "root": ROOT_CLASS, "status": STATUS_CLASS})
"""The script displayed with an explorer (see the module's description)."""
