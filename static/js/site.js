// Small progressive enhancements; every page works without this file.
document.documentElement.classList.add("js");
document.addEventListener("click", (event) => {
  // Close the phone menu when a link inside it is followed.
  const link = event.target.closest(".nav-menu a");
  if (link) link.closest("details").removeAttribute("open");
});

// On a wide screen the catalog filters sit open beside the results; phones keep them
// folded until asked.
document.addEventListener("DOMContentLoaded", () => {
  if (window.matchMedia("(min-width: 900px)").matches) {
    document.querySelectorAll("details.catalog__filters").forEach((d) => d.setAttribute("open", ""));
  }
});

// A piece's gallery: a thumbnail scrolls the track to its photo (without JavaScript the
// link jumps there), and the thumbnail of the photo in view is marked.
document.addEventListener("click", (event) => {
  const thumb = event.target.closest(".gallery__thumbs a");
  if (!thumb) return;
  const gallery = thumb.closest(".gallery");
  const photo = gallery.querySelector(thumb.getAttribute("href"));
  const track = gallery.querySelector(".gallery__track");
  if (!photo || !track) return;
  event.preventDefault();
  track.scrollTo({ left: photo.offsetLeft, behavior: "smooth" });
});
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll(".gallery__track").forEach((track) => {
    const thumbs = track.closest(".gallery").querySelectorAll(".gallery__thumbs a");
    if (!thumbs.length) return;
    track.addEventListener("scroll", () => {
      const n = Math.round(track.scrollLeft / track.clientWidth);
      thumbs.forEach((t, i) => t.setAttribute("aria-current", i === n ? "true" : "false"));
    }, { passive: true });
  });
});

// A visitor's pages are cached whole and carry no CSRF token (only a logged-in page has
// it on <body>): an htmx request that changes something takes it from the cookie.
document.addEventListener("htmx:configRequest", (event) => {
  const headers = event.detail.headers;
  if (event.detail.verb === "get" || headers["X-CSRFToken"]) return;
  const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
  if (match) headers["X-CSRFToken"] = decodeURIComponent(match[1]);
});
