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
