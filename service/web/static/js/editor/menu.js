// A <details> menu button with the keyboard of the WAI-ARIA menu button pattern: the <summary>
// is the button (aria-haspopup="menu"), its role="menu" list holds role="menuitem" buttons.
// On the button, Enter, Space or ArrowDown open the menu on the first item and ArrowUp on the
// last; in the menu, ArrowUp/ArrowDown move (wrapping), Home/End jump, Escape closes it and
// returns focus to the button, and Tab or a click elsewhere closes it.

export class MenuButton {
  /** @param {HTMLDetailsElement} details */
  constructor(details) {
    this.details = details;
    this.button = details.querySelector("summary");
    this.list = details.querySelector('[role="menu"]');
    this.items = [...this.list.querySelectorAll('[role="menuitem"]')];
    for (const item of this.items) item.tabIndex = -1; // reached with the arrows, not with Tab
    this.button.setAttribute("aria-expanded", String(details.open));
    details.addEventListener("toggle", () => {
      this.button.setAttribute("aria-expanded", String(details.open));
      // Opened by a click: the menu takes the focus, as it does from the keyboard.
      if (details.open && !this.items.includes(document.activeElement)) this.focusItem(0);
    });
    this.button.addEventListener("keydown", (e) => this.onButtonKey(e));
    this.list.addEventListener("keydown", (e) => this.onMenuKey(e));
    details.addEventListener("focusout", (e) => {
      if (details.open && !details.contains(e.relatedTarget)) this.close(false);
    });
  }

  open(index) {
    this.details.open = true;
    this.focusItem(index);
  }

  close(returnFocus = true) {
    this.details.open = false;
    if (returnFocus) this.button.focus();
  }

  focusItem(index) {
    const n = this.items.length;
    if (n) this.items[((index % n) + n) % n].focus();
  }

  onButtonKey(e) {
    const first = { Enter: 0, " ": 0, ArrowDown: 0, ArrowUp: -1 }[e.key];
    if (first === undefined) {
      if (e.key === "Escape" && this.details.open) { e.preventDefault(); this.close(); }
      return;
    }
    e.preventDefault(); // Enter/Space would toggle the <details> a second time
    this.open(first);
  }

  onMenuKey(e) {
    const current = this.items.indexOf(document.activeElement);
    const target = { ArrowDown: current + 1, ArrowUp: current - 1, Home: 0, End: -1 }[e.key];
    if (target !== undefined) {
      e.preventDefault();
      this.focusItem(target);
    } else if (e.key === "Escape") {
      e.preventDefault();
      e.stopPropagation();
      this.close();
    }
  }
}
