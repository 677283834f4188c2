// Pinning comments to a design proof: a tap on the photo drops a numbered pin there and
// opens a box for what to change at that spot. Each pin is kept as percentages of the
// photo's width and height, so it lands on the same spot however large the photo is
// drawn. The pins travel with the revision form as ordinary fields (pin_photo, pin_x,
// pin_y, pin_note); without this file (or without a pointer) the form still takes a plain
// comment.
(() => {
  const SVG = "http://www.w3.org/2000/svg";

  const formFor = (figure) => document.getElementById(figure.dataset.pinForm);
  const round = (n) => Math.min(100, Math.max(0, Math.round(n * 100) / 100));

  function pinMark(x, y, n) {
    const g = document.createElementNS(SVG, "g");
    g.setAttribute("class", "pin pin--new");
    const circle = document.createElementNS(SVG, "circle");
    circle.setAttribute("cx", `${x}%`);
    circle.setAttribute("cy", `${y}%`);
    circle.setAttribute("r", "14");
    const text = document.createElementNS(SVG, "text");
    text.setAttribute("x", `${x}%`);
    text.setAttribute("y", `${y}%`);
    text.setAttribute("dy", "0.35em");
    text.setAttribute("text-anchor", "middle");
    text.textContent = String(n);
    g.append(circle, text);
    return g;
  }

  function hidden(name, value) {
    const input = document.createElement("input");
    input.type = "hidden";
    input.name = name;
    input.value = value;
    return input;
  }

  // Pins are numbered in the order they were dropped, across every photo of the version.
  function renumber(form) {
    form.querySelectorAll(".pin-note").forEach((note, i) => {
      const n = i + 1;
      note.querySelector(".pin-note__n").textContent = String(n);
      note.querySelector("label").textContent = `Pin ${n}: what should change here?`;
      const mark = note.pinMark;
      if (mark) mark.querySelector("text").textContent = String(n);
    });
  }

  function addPin(figure, x, y) {
    const form = formFor(figure);
    const svg = figure.querySelector("svg.pins");
    const list = form && form.querySelector("[data-pin-notes]");
    if (!form || !svg || !list) return;
    const n = list.querySelectorAll(".pin-note").length + 1;
    const id = `${form.id}-pin-${Date.now()}-${n}`;
    const mark = pinMark(x, y, n);
    svg.append(mark);

    const note = document.createElement("li");
    note.className = "pin-note";
    note.pinMark = mark;
    const number = document.createElement("span");
    number.className = "pin-note__n";
    number.setAttribute("aria-hidden", "true");
    const label = document.createElement("label");
    label.htmlFor = id;
    const box = document.createElement("textarea");
    box.id = id;
    box.name = "pin_note";
    box.rows = 2;
    box.maxLength = 500;
    box.required = true;
    const remove = document.createElement("button");
    remove.type = "button";
    remove.className = "link-button pin-note__remove";
    remove.textContent = "Remove this pin";
    remove.addEventListener("click", () => {
      mark.remove();
      note.remove();
      renumber(form);
    });
    note.append(
      number,
      label,
      box,
      hidden("pin_photo", figure.dataset.pinPhoto),
      hidden("pin_x", String(x)),
      hidden("pin_y", String(y)),
      remove,
    );
    list.append(note);
    renumber(form);
    const details = form.closest("details");
    if (details) details.open = true;
    box.focus({ preventScroll: false });
  }

  document.addEventListener("click", (event) => {
    const frame = event.target.closest(".proof-photo[data-pin-form] .proof-photo__frame");
    if (!frame) return;
    const figure = frame.closest(".proof-photo");
    const box = frame.getBoundingClientRect();
    if (!box.width || !box.height) return;
    event.preventDefault();
    addPin(
      figure,
      round(((event.clientX - box.left) / box.width) * 100),
      round(((event.clientY - box.top) / box.height) * 100),
    );
  });

  document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll(".proof-photo[data-pin-form]").forEach((figure) => {
      if (!formFor(figure)) return;
      figure.classList.add("proof-photo--pinnable");
    });
    document.querySelectorAll("[data-pin-hint]").forEach((hint) => {
      hint.hidden = false;
    });
  });
})();
