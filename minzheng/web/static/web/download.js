/* Links marked data-busy (PDF and Excel files built on request): while the file is being prepared the link says so
   (aria-busy, the text of data-busy, a spinner) and cannot be clicked twice; the file is then saved as usual.
   Without JavaScript the link is an ordinary download link. */
(function () {
  function filename(disposition, fallback) {
    var star = /filename\*=UTF-8''([^;]+)/i.exec(disposition || "");
    if (star) return decodeURIComponent(star[1]);
    var plain = /filename="?([^";]+)"?/i.exec(disposition || "");
    return plain ? plain[1] : fallback;
  }
  function done(link, text) {
    link.removeAttribute("aria-busy");
    link.classList.remove("busy");
    link.textContent = text;
  }
  document.addEventListener("click", function (e) {
    var link = e.target.closest && e.target.closest("a[data-busy]");
    if (!link || e.button !== 0 || e.ctrlKey || e.metaKey || e.shiftKey || e.altKey || !window.fetch) return;
    e.preventDefault();
    if (link.getAttribute("aria-busy") === "true") return;
    var text = link.textContent;
    link.setAttribute("aria-busy", "true");
    link.classList.add("busy");
    link.textContent = link.getAttribute("data-busy");
    fetch(link.href, { credentials: "same-origin" }).then(function (r) {
      var disposition = r.headers.get("Content-Disposition") || "";
      if (!r.ok || (r.headers.get("Content-Type") || "").indexOf("text/html") === 0) {  // an error page: show it
        window.location.href = link.href;
        return null;
      }
      return r.blob().then(function (blob) {
        var a = document.createElement("a");
        a.href = URL.createObjectURL(blob);
        a.download = filename(disposition, "下载文件");
        document.body.appendChild(a);
        a.click();
        setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
      });
    }).catch(function () {
      window.location.href = link.href;
    }).then(function () { done(link, text); });
  });
})();
