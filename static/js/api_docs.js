// The API's documentation page: Swagger UI on the OpenAPI document the app serves.
// Without deep links (a link inside each operation's button cannot be reached by keyboard or screen
// reader) and without the server chooser (the one server is this site; its list has no label).
(function () {
  "use strict";
  var root = document.getElementById("swagger-ui");
  function withoutServerChooser() {
    return {
      wrapComponents: {
        ServersContainer: function () {
          return function () {
            return null;
          };
        },
      },
    };
  }
  window.SwaggerUIBundle({
    url: root.getAttribute("data-spec-url"),
    domNode: root,
    deepLinking: false,
    tryItOutEnabled: false,
    syntaxHighlight: false, // its colours are too faint on the dark code blocks
    plugins: [withoutServerChooser],
  });
})();
