// Keyboard shortcuts for the main actions, outside text fields: an element marked data-shortcut="k"
// is focused (a text field, or the one inside it) or clicked when k is pressed; j and k open the next
// and previous item of the list marked data-shortcut-list; "/" goes to the search box.
(function () {
  function editable(element) {
    return element instanceof HTMLElement && (element.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(element.tagName));
  }
  function activate(target) {
    const field = /^(INPUT|TEXTAREA)$/.test(target.tagName) ? target : target.querySelector('input, textarea');
    if (field) { field.focus(); return; }
    const button = target.matches('button, a') ? target : target.querySelector('button, a');
    if (button && !button.disabled) { button.click(); }
  }
  function step(delta) {
    const list = document.querySelector('[data-shortcut-list]');
    if (!list) { return false; }
    const items = Array.from(list.querySelectorAll(':scope > li')).filter(li => li.querySelector('a'));
    if (items.length === 0) { return false; }
    const current = items.findIndex(li => li.classList.contains('scrm-selected'));
    const next = current < 0 ? 0 : Math.min(items.length - 1, Math.max(0, current + delta));
    items[next].querySelector('a').click();
    return true;
  }
  document.addEventListener('keydown', function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || event.isComposing || editable(event.target)) {
      return;
    }
    const key = event.key;
    let done = false;
    if (key === 'j' || key === 'k') {
      done = step(key === 'j' ? 1 : -1);
    } else {
      const target = document.querySelector('[data-shortcut="' + CSS.escape(key) + '"]');
      if (target) { activate(target); done = true; }
    }
    if (done) { event.preventDefault(); }
  });
})();
