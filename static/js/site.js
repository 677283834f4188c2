// Small progressive enhancements; every page works without this file.
document.addEventListener("click", (event) => {
  // Close the phone menu when a link inside it is followed.
  const link = event.target.closest(".nav-menu a");
  if (link) link.closest("details").removeAttribute("open");
});
