// /api/docs: Swagger UI over the app's own description, nothing fetched from elsewhere (no
// validator badge); calls go out with the session cookie or the token given under Authorize.
document.addEventListener("DOMContentLoaded", function () {
  var root = document.getElementById("swagger-ui");
  window.SwaggerUIBundle({
    url: root.dataset.specUrl,
    dom_id: "#swagger-ui",
    validatorUrl: null,
    deepLinking: true,
    persistAuthorization: false
  });
});
