// The build journal on the commission page; every part works without this file.
(() => {
  // --- A progress update: its upload's progress, and the words typed kept until it posts.
  const fields = (form) => form.querySelectorAll("textarea, select, input[type=checkbox]");

  const keep = (form) => {
    const saved = {};
    fields(form).forEach((f) => { saved[f.name] = f.type === "checkbox" ? f.checked : f.value; });
    try { sessionStorage.setItem(form.dataset.draft, JSON.stringify(saved)); } catch (e) { /* private mode */ }
  };

  const restore = (form) => {
    let saved = null;
    try { saved = JSON.parse(sessionStorage.getItem(form.dataset.draft) || "null"); } catch (e) { saved = null; }
    if (!saved) return;
    let restored = false;
    fields(form).forEach((f) => {
      if (!(f.name in saved)) return;
      if (f.type === "checkbox") f.checked = saved[f.name];
      else if (!f.value && saved[f.name]) { f.value = saved[f.name]; restored = restored || f.tagName === "TEXTAREA"; }
    });
    const status = form.querySelector(".upload-status");
    if (restored && status && !status.textContent.trim()) status.textContent = "What you typed before is back.";
  };

  const forget = (key) => { try { sessionStorage.removeItem(key); } catch (e) { /* private mode */ } };

  const setUp = (root) => {
    // htmx:load names the swapped element itself: the new form, after a post.
    const forms = root.matches && root.matches("form[data-draft]") ? [root] : root.querySelectorAll("form[data-draft]");
    forms.forEach((form) => {
      if (form.dataset.ready) return;
      form.dataset.ready = "1";
      if (form.querySelector(".upload-status")?.textContent.includes("Posted")) forget(form.dataset.draft);
      else restore(form);
      form.addEventListener("input", () => keep(form));
      form.addEventListener("change", () => keep(form));
    });
  };

  document.addEventListener("DOMContentLoaded", () => setUp(document));
  document.addEventListener("htmx:load", (event) => setUp(event.target));

  document.addEventListener("htmx:xhr:progress", (event) => {
    const form = event.target.closest && event.target.closest("form[data-draft]");
    if (!form || !event.detail.lengthComputable) return;
    const bar = form.querySelector(".upload-progress");
    const status = form.querySelector(".upload-status");
    const percent = Math.round((event.detail.loaded / event.detail.total) * 100);
    bar.hidden = false;
    bar.value = percent;
    status.textContent = percent < 100 ? `Uploading… ${percent}%` : "Saving…";
  });

  document.addEventListener("htmx:beforeRequest", (event) => {
    const form = event.target.closest && event.target.closest("form[data-draft]");
    if (form) keep(form);
  });

  // A post that went through answers with the form emptied, saying "Posted" (setUp then
  // forgets the draft); the old form is gone from the page by the time htmx:afterRequest
  // fires, so that event would never reach this document.

  const failed = (event) => {
    const form = event.target.closest && event.target.closest("form[data-draft]");
    if (!form) return;
    form.querySelector(".upload-progress").hidden = true;
    form.querySelector(".upload-status").textContent =
      "The connection dropped before it posted. What you typed is kept here: choose the photos again and post once more.";
  };
  document.addEventListener("htmx:sendError", failed);
  document.addEventListener("htmx:timeout", failed);

  // --- Photos: a tap opens a viewer that swipes between the update's photos.
  let viewer = null;
  const openViewer = (links, start) => {
    if (!viewer) {
      viewer = document.createElement("dialog");
      viewer.className = "viewer";
      viewer.setAttribute("aria-label", "Photos");
      viewer.innerHTML = '<div class="viewer__bar"><span class="viewer__count" aria-live="polite"></span>' +
        '<button type="button" class="button--small viewer__close">Close</button></div><div class="viewer__track"></div>';
      viewer.querySelector(".viewer__close").addEventListener("click", () => viewer.close());
      document.body.append(viewer);
    }
    const track = viewer.querySelector(".viewer__track");
    track.replaceChildren(...links.map((link, i) => {
      const figure = document.createElement("figure");
      const img = document.createElement("img");
      img.src = link.dataset.large || link.href;
      img.alt = `Photo ${i + 1} of ${links.length}`;
      figure.append(img);
      return figure;
    }));
    const count = viewer.querySelector(".viewer__count");
    const show = () => { count.textContent = `${Math.round(track.scrollLeft / track.clientWidth) + 1} of ${links.length}`; };
    track.onscroll = show;
    viewer.showModal();
    track.scrollLeft = track.clientWidth * start;
    show();
  };

  document.addEventListener("click", (event) => {
    const link = event.target.closest(".journal-gallery__link");
    if (!link) return;
    const links = [...link.closest(".journal-gallery").querySelectorAll(".journal-gallery__link")];
    event.preventDefault();
    openViewer(links, links.indexOf(link));
  });
})();
