// Forms marked data-scrm-fetch (sign-in, sign-out) post to the API's own endpoints with their
// anti-forgery field and, when the answer is a success, open data-next. Errors are shown in the
// form's [data-scrm-error] element in the page's language (texts come from data-error-* attributes).
(function () {
  document.addEventListener('submit', async function (event) {
    const form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute('data-scrm-fetch')) {
      return;
    }
    event.preventDefault();
    event.stopPropagation();
    const error = form.querySelector('[data-scrm-error]');
    if (error) { error.textContent = ''; }
    let response;
    try {
      response = await fetch(form.action, { method: 'POST', body: new FormData(form), credentials: 'same-origin', headers: { 'Accept': 'application/json' } });
    } catch (e) {
      if (error) { error.textContent = form.dataset.errorOther || 'Error'; }
      return;
    }
    if (response.ok) {
      window.location.assign(form.dataset.next || '/');
      return;
    }
    let problem = {};
    try { problem = await response.json(); } catch (e) { problem = {}; }
    if (error) {
      error.textContent = problem.twoFactorRequired ? form.dataset.errorCode
        : problem.lockedOut ? form.dataset.errorLocked
        : response.status === 401 || response.status === 400 ? form.dataset.errorWrong
        : form.dataset.errorOther;
    }
  }, true);
})();
