// Small behaviours that need no library. Served by the app; no inline scripts (CSP).
document.addEventListener("DOMContentLoaded", function () {
  // A streamed job page ends with a link to its result: go there.
  var follow = document.querySelector("a[data-auto-follow]");
  if (follow) { window.location.assign(follow.href); }
});
