// Starts Swagger UI on an API's /docs page. A file of its own, not an inline script, so that the
// page's Content-Security-Policy can allow scripts from Tandem only; the spec's address is on the page.
(function () {
  "use strict";
  var root = document.getElementById("swagger-ui");
  window.ui = SwaggerUIBundle({
    url: root.dataset.specUrl,
    domNode: root,
    deepLinking: true,
    validatorUrl: null // no badge from validator.swagger.io: the page asks nothing of other hosts
  });
})();
