// The signing block as it will print, redrawn as the user types: the same rule as
// regulations/signing_block.py signing_lines (the authority lines in capitals, then the signer's title unless
// the block already ends with it), then the space for the signature and seal, then the name.
// The page renders the first preview on the server, so without this script it still shows what is stored.
(function () {
  "use strict";

  function printedLines(block, title) {
    var lines = block
      .split(/\r\n|\r|\n/)
      .map(function (line) { return line.trim().toLocaleUpperCase("vi"); })
      .filter(function (line) { return line !== ""; });
    title = title.trim().toLocaleUpperCase("vi");
    if (title && (lines.length === 0 || lines[lines.length - 1] !== title)) {
      lines.push(title);
    }
    return lines;
  }

  function bind(preview) {
    var block = document.getElementById(preview.dataset.block);
    var title = document.getElementById(preview.dataset.title);
    var name = document.getElementById(preview.dataset.name);
    var linesBox = preview.querySelector("[data-lines]");
    var nameLine = preview.querySelector("[data-name-line]");
    var empty = preview.querySelector("[data-empty]");
    if (!block || !title || !linesBox || !nameLine) {
      return;
    }
    function redraw() {
      var lines = printedLines(block.value, title.value);
      linesBox.replaceChildren.apply(linesBox, lines.map(function (text) {
        var line = document.createElement("div");
        line.textContent = text;
        return line;
      }));
      nameLine.textContent = name ? name.value.trim() : "";
      if (empty) {
        empty.hidden = lines.length > 0 || nameLine.textContent !== "";
      }
    }
    [block, title, name].forEach(function (field) {
      if (field) {
        field.addEventListener("input", redraw);
      }
    });
  }

  document.querySelectorAll("[data-signing-preview]").forEach(bind);
})();
