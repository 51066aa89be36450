/**
 * The compliance console (contract §5): server-side HTML pages at {@code /console/}, on the hub's own server and
 * port, behind a sign-in with an API key. No JavaScript: every function is a link or a form, charts are inline SVG
 * drawn on the server, the one style sheet is served from the jar ({@code src/main/resources/console/static}).
 *
 * <h2>How a request runs</h2>
 * routes/console.camel.yaml has one route per page or action. Each uses the {@code console} route configuration,
 * whose interceptFrom runs {@link io.lethe.console.ConsoleGuard} first: it takes the route's {@code group}
 * ({@link io.lethe.console.Access}), finds the session from the cookie, checks the role, and for every POST the
 * session's CSRF token. Then the route's one step calls a page bean, which reads through the same services the API
 * uses and renders a jte template through {@link io.lethe.console.ConsoleView}. Refusals are thrown as
 * {@link io.lethe.console.ConsoleRefusal} (a page with that status), redirects as
 * {@link io.lethe.console.ConsoleRedirect} (303); {@link io.lethe.console.ConsoleErrors} renders both.
 *
 * <h2>How to add a console page</h2>
 * <ol>
 *   <li><b>Route</b> in routes/console.camel.yaml: {@code id: console-<page>}, {@code group:} one of
 *       {@code console-any} (admin, compliance, marketer), {@code console-review} (admin, compliance),
 *       {@code console-admin} (admin only: every state-changing action, always a POST), {@code console-open} (no
 *       session; only sign-in and assets), {@code routeConfigurationId: console}, {@code from:
 *       platform-http:/console/<page>} with {@code httpMethodRestrict: GET} (or POST), one {@code bean} step. Path
 *       parameters ({@code /console/requests/{requestId}}) arrive as headers. The group is the role map: there is
 *       no other.</li>
 *   <li><b>Page bean</b>: a class here with a nested {@code public record View(Frame frame, ...)} and a method taking
 *       the {@link org.apache.camel.Exchange}; it builds the frame with
 *       {@code Frame.of(exchange, "Title", "/console/<nav path>")} and calls
 *       {@code view.page(exchange, 200, "<template>", new View(...))}. Bind it in {@link io.lethe.console.Console#bind}
 *       under the name the route refers to. Read through existing services (add a query method to the class that
 *       owns the table if one is missing), never SQL of its own.</li>
 *   <li><b>Template</b> {@code src/main/jte/console/<template>.jte}: {@code @param <Page>.View view}, the body inside
 *       {@code @template.console.layout(frame = view.frame(), content = @`...`)}. Output with {@code ${...}} only
 *       (escaped; never {@code $unsafe}). No {@code style=} attributes and no script: the CSP refuses them; add
 *       classes to console.css instead. SVG presentation attributes ({@code fill}, {@code height}) are fine.</li>
 *   <li><b>Forms</b>: GET forms for filters that hold ids only; POST forms for anything holding personal data
 *       (look-ups: an e-mail address never goes into a URL) and for every action. Every POST form carries
 *       {@code <input type="hidden" name="csrf" value="${view.frame().csrf()}">}; read fields with
 *       {@code Form.of(exchange)}. An action answers {@code ConsoleView.redirect(...)} (303) to the page it changed.
 *       Links carry opaque ids only (subjectId, requestId, seq).</li>
 *   <li><b>Navigation</b>: {@link io.lethe.console.Nav#ENTRIES} already lists Subjects ({@code console-subjects},
 *       {@code /console/subjects}), Connectors ({@code console-connectors}) and Reports ({@code console-reports}):
 *       an entry shows once a route of that id exists and its group admits the role.</li>
 *   <li><b>Test</b> in a real browser ({@code support/Browser}); one hub per test class, few classes.</li>
 * </ol>
 */
package io.lethe.console;
