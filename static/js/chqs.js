// Small behaviours without inline scripts (a strict Content-Security-Policy allows this file).
document.addEventListener("click", function (event) {
  var button = event.target.closest("[data-tree-toggle]");
  if (!button) return;
  var open = button.getAttribute("data-tree-toggle") === "open";
  document.querySelectorAll(".tree details").forEach(function (d) { d.open = open; });
});
