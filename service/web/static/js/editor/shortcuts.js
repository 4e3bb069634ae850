// Editor keyboard shortcuts. All use Alt or Ctrl so they never collide with typing Japanese;
// `event.code` keeps them layout-independent (Option+K on a Mac types "˚" otherwise), and keys
// pressed during IME composition are left to the IME.

export const SHORTCUTS = [
  { code: "KeyK", alt: true, action: "toggle" },
  { code: "KeyJ", alt: true, action: "back" },
  { code: "KeyL", alt: true, action: "forward" },
  { code: "ArrowUp", alt: true, action: "prevTurn" },
  { code: "ArrowDown", alt: true, action: "nextTurn" },
  { code: "Comma", alt: true, action: "slower" },
  { code: "Period", alt: true, action: "faster" },
  { code: "KeyP", alt: true, action: "playTurn" },
  { code: "KeyM", alt: true, action: "merge" },
  { code: "KeyY", alt: true, action: "confirmWord" },
  { code: "Enter", ctrl: true, action: "split" },
  { code: "KeyS", ctrl: true, action: "save" },
  { code: "KeyH", ctrl: true, action: "find" },
];

/** The action for a keydown, or null. Ctrl means Ctrl or ⌘. */
export function actionFor(e) {
  if (e.isComposing || e.keyCode === 229) return null;
  const ctrl = e.ctrlKey || e.metaKey;
  for (const s of SHORTCUTS) {
    if (e.code !== s.code) continue;
    if (!!s.alt !== e.altKey || !!s.ctrl !== ctrl || e.shiftKey) continue;
    return s.action;
  }
  return null;
}

/** Install on the document; `handlers[action]()` runs and the browser default is suppressed. */
export function installShortcuts(handlers) {
  document.addEventListener("keydown", (e) => {
    const action = actionFor(e);
    if (!action || !handlers[action]) return;
    e.preventDefault();
    e.stopPropagation();
    handlers[action]();
  }, true);
}
