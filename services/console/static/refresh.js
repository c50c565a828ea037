// Every N seconds (body data-refresh), read this page again and swap each [data-panel]
// for its fresh copy: numbers and charts move, while the scroll position and whatever
// is typed in the search form stay. No library: this is all the console's JavaScript.
(function () {
  const every = Number(document.body.dataset.refresh || 0) * 1000;
  if (!every) return;
  async function refresh() {
    try {
      const answer = await fetch(location.href, { headers: { "X-Console-Refresh": "1" } });
      if (answer.status === 401) {  // the session ended (expired, signed out, key revoked)
        location.assign("/sign-in?next=" + encodeURIComponent(location.pathname + location.search));
        return;
      }
      if (!answer.ok) throw new Error(String(answer.status));
      const fresh = new DOMParser().parseFromString(await answer.text(), "text/html");
      for (const panel of document.querySelectorAll("[data-panel]")) {
        const next = fresh.querySelector(`[data-panel="${panel.dataset.panel}"]`);
        if (next) panel.replaceWith(next);
      }
      document.body.classList.remove("stale");
    } catch (error) {
      document.body.classList.add("stale");  // the header turns red: what you see is old
    }
    setTimeout(refresh, every);
  }
  setTimeout(refresh, every);
})();
