package org.cxr.app.security;

import org.cxr.app.TestModels;
import org.cxr.app.TestServer;
import org.cxr.app.TestUsers;
import org.cxr.app.server.CxrApplication;
import org.cxr.app.server.Multipart;
import org.cxr.phantom.PhantomGenerator;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;
import tools.jackson.databind.JsonNode;

import java.io.IOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Who may call what, on the real stack: every API endpoint called by nobody, by each role and by the admin, with
 * the answer each must get; an uploader's view limited to their own uploads; tokens, disabled users, the page's
 * session with its CSRF token, and the audit log that records it all.
 */
@SpringBootTest(classes = CxrApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class AccessControlTest
{
    private static final String ADMIN = "admin";

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry)
            throws IOException
    {
        Path dataDir = TestServer.temporaryFolder("access-test");
        TestServer.embedded(registry, dataDir);
    }

    @LocalServerPort
    int port;

    @Autowired
    @Qualifier("requestMappingHandlerMapping")
    RequestMappingHandlerMapping mappings;

    private final HttpClient client = HttpClient.newHttpClient();

    /** The Authorization header of each caller, by name; "anonymous" sends none. */
    private static final Map<String, String> CALLERS = new LinkedHashMap<>();
    private static String umaInference;
    private static String umaImage;

    @BeforeEach
    void users()
            throws Exception
    {
        if (!CALLERS.isEmpty()) {
            return;
        }
        CALLERS.put("anonymous", null);
        CALLERS.put("uploader", TestUsers.bearer(port, "uma", "uploader"));
        CALLERS.put("radiologist", TestUsers.bearer(port, "rita", "radiologist"));
        CALLERS.put("data-engineer", TestUsers.bearer(port, "dave", "data-engineer"));
        CALLERS.put("admin", TestUsers.adminBasic());
        HttpResponse<String> uploaded = upload(CALLERS.get("uploader"), "uma-1.png", 1);
        assertThat(uploaded.statusCode()).as(uploaded.body()).isEqualTo(201);
        umaInference = String.valueOf(TestUsers.json(uploaded).get("inferenceId").asLong());
        umaImage = TestUsers.json(uploaded).get("image").get("sha256").asString();
    }

    /** One endpoint, and the roles it serves ("any" for every signed-in user). */
    private record Endpoint(String method, String pattern, String path, String body, Set<String> roles) {}

    private static Endpoint endpoint(String method, String pattern, String path, String body, String... roles)
    {
        return new Endpoint(method, pattern, path, body, Set.of(roles));
    }

    private static List<Endpoint> endpoints()
    {
        return List.of(
                endpoint("POST", "/api/v1/inferences", "/api/v1/inferences", "UPLOAD", "uploader", "radiologist"),
                endpoint("GET", "/api/v1/inferences", "/api/v1/inferences", null, "uploader", "radiologist"),
                endpoint("GET", "/api/v1/inferences/{id}", "/api/v1/inferences/" + umaInference, null, "uploader", "radiologist"),
                endpoint("GET", "/api/v1/images/{sha256}", "/api/v1/images/" + umaImage, null, "uploader", "radiologist"),
                endpoint("GET", "/api/v1/images/{sha256}/thumbnail", "/api/v1/images/" + umaImage + "/thumbnail", null, "uploader", "radiologist"),
                endpoint("GET", "/api/v1/model", "/api/v1/model", null, "any"),
                endpoint("GET", "/api/v1/model/quality", "/api/v1/model/quality", null, "radiologist", "data-engineer"),
                endpoint("POST", "/api/v1/inferences/{id}/reviews", "/api/v1/inferences/" + umaInference + "/reviews", "{\"boxes\": []}", "radiologist"),
                endpoint("GET", "/api/v1/inferences/{id}/reviews", "/api/v1/inferences/" + umaInference + "/reviews", null, "radiologist"),
                endpoint("GET", "/api/v1/reviews/worklist", "/api/v1/reviews/worklist", null, "radiologist"),
                endpoint("POST", "/api/v1/pipelines/{stage}/runs", "/api/v1/pipelines/backup/runs", "", "data-engineer"),
                endpoint("GET", "/api/v1/pipelines/runs/{id}", "/api/v1/pipelines/runs/987654", null, "data-engineer"),
                endpoint("GET", "/api/v1/pipelines/runs", "/api/v1/pipelines/runs", null, "data-engineer"),
                endpoint("GET", "/api/v1/pipelines/reconciliation", "/api/v1/pipelines/reconciliation", null, "data-engineer"),
                endpoint("GET", "/api/v1/me", "/api/v1/me", null, "any"),
                endpoint("PUT", "/api/v1/me/password", "/api/v1/me/password", "{\"currentPassword\": \"wrong\", \"newPassword\": \"x\"}", "any"),
                endpoint("GET", "/api/v1/me/tokens", "/api/v1/me/tokens", null, "any"),
                endpoint("POST", "/api/v1/me/tokens", "/api/v1/me/tokens", "{\"name\": \"matrix\"}", "any"),
                endpoint("DELETE", "/api/v1/me/tokens/{id}", "/api/v1/me/tokens/987654", null, "any"),
                endpoint("GET", "/api/v1/users", "/api/v1/users", null, "admin"),
                endpoint("POST", "/api/v1/users", "/api/v1/users", "{\"username\": \"x\", \"password\": \"short\", \"roles\": [\"uploader\"]}", "admin"),
                endpoint("PATCH", "/api/v1/users/{username}", "/api/v1/users/nobody", "{\"enabled\": true}", "admin"),
                endpoint("GET", "/api/v1/audit", "/api/v1/audit", null, "admin"),
                endpoint("GET", "/actuator/prometheus", "/actuator/prometheus", null, "data-engineer", "admin"));
    }

    @Test
    void eachRoleCanCallExactlyTheEndpointsItServes()
            throws Exception
    {
        List<String> wrong = new ArrayList<>();
        for (Endpoint endpoint : endpoints()) {
            for (Map.Entry<String, String> caller : CALLERS.entrySet()) {
                HttpResponse<String> response = call(endpoint, caller.getValue());
                int status = response.statusCode();
                boolean allowed = !caller.getKey().equals("anonymous")
                        && (endpoint.roles().contains("any") || endpoint.roles().contains(caller.getKey()));
                int expected = caller.getKey().equals("anonymous") ? 401 : 403;
                if (allowed ? status == 401 || status == 403 || status >= 500 : status != expected) {
                    wrong.add(endpoint.method() + " " + endpoint.path() + " as " + caller.getKey() + ": " + status
                            + (allowed ? " (allowed)" : " (expected " + expected + ")") + " " + response.body());
                }
                if (!allowed) {
                    assertThat(response.headers().firstValue("Content-Type")).as(endpoint.path()).hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
                    assertThat(TestUsers.json(response).get("message").asString()).as(endpoint.path()).isNotBlank();
                }
            }
        }
        assertThat(wrong).isEmpty();
    }

    @Test
    void everyApiEndpointHasItsRulesTestedAndDocumented()
            throws Exception
    {
        Set<String> mapped = new TreeSet<>();
        mappings.getHandlerMethods().forEach((info, method) -> info.getPatternValues().stream().filter(p -> p.startsWith("/api/"))
                .forEach(pattern -> info.getMethodsCondition().getMethods().forEach(verb -> mapped.add(verb + " " + pattern))));
        Set<String> tested = endpoints().stream().filter(e -> e.pattern().startsWith("/api/")).map(e -> e.method() + " " + e.pattern())
                .collect(Collectors.toCollection(TreeSet::new));
        assertThat(tested).as("the endpoints this test calls").isEqualTo(mapped);

        // The OpenAPI document states the same roles (x-roles) as the server enforces.
        HttpResponse<String> document = call(endpoint("GET", "", "/api/v1/openapi.yaml", null), CALLERS.get("uploader"));
        Map<String, Object> openApi = new org.yaml.snakeyaml.Yaml().load(document.body());
        @SuppressWarnings("unchecked")
        Map<String, Map<String, Map<String, Object>>> paths = (Map<String, Map<String, Map<String, Object>>>) openApi.get("paths");
        for (Endpoint endpoint : endpoints()) {
            Object roles = paths.get(endpoint.pattern()).get(endpoint.method().toLowerCase(Locale.ROOT)).get("x-roles");
            Set<String> documented = ((List<?>) roles).stream().map(r -> r.toString().toLowerCase(Locale.ROOT).replace('_', '-')).collect(Collectors.toSet());
            assertThat(documented).as(endpoint.method() + " " + endpoint.pattern()).isEqualTo(endpoint.roles());
        }
    }

    @Test
    void healthIsPublicAndEverythingElseNeedsSigningIn()
            throws Exception
    {
        assertThat(get("/actuator/health", null).statusCode()).isEqualTo(200);
        assertThat(get("/actuator/health/readiness", null).statusCode()).isEqualTo(200);
        assertThat(get("/actuator/health/liveness", null).statusCode()).isEqualTo(200);
        JsonNode health = TestUsers.json(get("/actuator/health", null));
        assertThat(health.get("components").get("database").get("status").asString()).isEqualTo("UP");
        assertThat(health.toString()).as("a stranger sees statuses, not details").doesNotContain("details", "bucket", "dialect");
        assertThat(TestUsers.json(get("/actuator/health", CALLERS.get("admin"))).get("components").get("objectStore").get("details").get("bucket").asString())
                .isEqualTo("cxr-images");
        HttpResponse<String> page = client.send(HttpRequest.newBuilder(uri("/")).header("Accept", "text/html").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(page.statusCode()).as("the page sends a stranger to the sign-in form").isEqualTo(302);
        assertThat(page.headers().firstValue("Location")).hasValueSatisfying(location -> assertThat(location).endsWith("/login"));
        assertThat(get("/login", null).body()).contains("name=\"username\"", "name=\"_csrf\"");
        assertThat(get("/login?logout", null).statusCode()).as("the page after signing out").isEqualTo(200);
        HttpResponse<String> api = get("/api/v1/model", null);
        assertThat(api.statusCode()).isEqualTo(401);
        assertThat(api.headers().firstValue("WWW-Authenticate")).as("no Basic challenge, so browsers never cache a password").hasValue("Bearer realm=\"cxr\"");
        assertThat(get("/api/v1/openapi.yaml", null).statusCode()).isEqualTo(401);
        assertThat(get("/api/v1/no-such-endpoint", CALLERS.get("radiologist")).statusCode()).as("an unmapped API path is closed").isEqualTo(403);
        assertThat(get("/admin.html", CALLERS.get("radiologist")).statusCode()).isEqualTo(403);
        assertThat(get("/admin.html", CALLERS.get("admin")).statusCode()).isEqualTo(200);
        assertThat(get("/api/v1/model", "Bearer cxr_not-a-token").statusCode()).isEqualTo(401);
        assertThat(get("/api/v1/model", TestUsers.basic("rita", "wrong-password-here")).statusCode()).isEqualTo(401);
    }

    @Test
    void anUploaderSeesOnlyTheirOwnResultsAndARadiologistSeesAll()
            throws Exception
    {
        String ulf = TestUsers.bearer(port, "ulf", "uploader");
        HttpResponse<String> ulfUpload = upload(ulf, "ulf-1.png", 2);
        assertThat(ulfUpload.statusCode()).isEqualTo(201);
        long ulfInference = TestUsers.json(ulfUpload).get("inferenceId").asLong();
        String ulfImage = TestUsers.json(ulfUpload).get("image").get("sha256").asString();

        assertThat(listed(ulf)).contains(ulfInference).doesNotContain(Long.parseLong(umaInference));
        assertThat(listed(CALLERS.get("uploader"))).contains(Long.parseLong(umaInference)).doesNotContain(ulfInference);
        assertThat(listed(CALLERS.get("radiologist"))).contains(Long.parseLong(umaInference), ulfInference);
        // Another's result is answered as if it did not exist.
        assertThat(get("/api/v1/inferences/" + umaInference, ulf).statusCode()).isEqualTo(404);
        assertThat(get("/api/v1/images/" + umaImage, ulf).statusCode()).isEqualTo(404);
        assertThat(get("/api/v1/images/" + umaImage + "/thumbnail", ulf).statusCode()).isEqualTo(404);
        assertThat(get("/api/v1/inferences/" + ulfInference, CALLERS.get("radiologist")).statusCode()).isEqualTo(200);
        assertThat(get("/api/v1/images/" + ulfImage, CALLERS.get("radiologist")).statusCode()).isEqualTo(200);
        // The same image uploaded by both is each one's.
        assertThat(upload(ulf, "same-as-uma.png", 1).statusCode()).isEqualTo(201);
        assertThat(get("/api/v1/images/" + umaImage, ulf).statusCode()).isEqualTo(200);
        assertThat(TestUsers.json(get("/api/v1/inferences/" + ulfInference, ulf)).get("user").asString()).isEqualTo("ulf");
    }

    @Test
    void aTokenSignsInWithEveryRoleOfItsOwnerAndNoOther()
            throws Exception
    {
        String cy = TestUsers.bearer(port, "cy", "uploader", "data-engineer");
        String dee = TestUsers.bearer(port, "dee", "radiologist");

        assertThat(TestUsers.json(get("/api/v1/me", cy)).get("roles").toString()).isEqualTo("[\"DATA_ENGINEER\",\"UPLOADER\"]");
        assertThat(TestUsers.json(get("/api/v1/me", dee)).get("roles").toString()).isEqualTo("[\"RADIOLOGIST\"]");
    }

    @Test
    void aRevokedTokenAndADisabledUserAreRefused()
            throws Exception
    {
        String bea = TestUsers.bearer(port, "bea", "radiologist");
        String second = "Bearer " + TestUsers.token(port, "bea");
        assertThat(get("/api/v1/me", bea).statusCode()).isEqualTo(200);
        JsonNode tokens = TestUsers.json(get("/api/v1/me/tokens", bea)).get("items");
        assertThat(tokens).hasSize(2);
        assertThat(tokens.get(0).has("token")).as("a listed token shows no secret").isFalse();

        long first = tokens.get(0).get("id").asLong();
        assertThat(send("DELETE", "/api/v1/me/tokens/" + first, null, bea).statusCode()).isEqualTo(204);
        assertThat(get("/api/v1/me", bea).statusCode()).isEqualTo(401);
        assertThat(get("/api/v1/me", second).statusCode()).isEqualTo(200);

        assertThat(send("PATCH", "/api/v1/users/bea", "{\"enabled\": false}", CALLERS.get("admin")).statusCode()).isEqualTo(200);
        assertThat(get("/api/v1/me", second).statusCode()).isEqualTo(401);
        assertThat(get("/api/v1/me", TestUsers.basic("bea", TestUsers.PASSWORD)).statusCode()).isEqualTo(401);
        assertThat(send("PATCH", "/api/v1/users/bea", "{\"enabled\": true}", CALLERS.get("admin")).statusCode()).isEqualTo(200);
        assertThat(get("/api/v1/me", second).statusCode()).isEqualTo(200);
    }

    @Test
    void fiveWrongPasswordsInARowLockThePasswordUntilAnAdministratorResetsIt()
            throws Exception
    {
        TestUsers.create(port, "lou", "uploader");
        String louToken = "Bearer " + TestUsers.token(port, "lou");
        for (int i = 0; i < 4; i++) {
            assertThat(get("/api/v1/me", TestUsers.basic("lou", "wrong-password-" + i)).statusCode()).isEqualTo(401);
        }
        // A right password in between starts the count again.
        assertThat(get("/api/v1/me", TestUsers.basic("lou", TestUsers.PASSWORD)).statusCode()).isEqualTo(200);
        for (int i = 0; i < 5; i++) {
            assertThat(get("/api/v1/me", TestUsers.basic("lou", "wrong-password-" + i)).statusCode()).isEqualTo(401);
        }
        HttpResponse<String> locked = get("/api/v1/me", TestUsers.basic("lou", TestUsers.PASSWORD));
        assertThat(locked.statusCode()).isEqualTo(401);
        assertThat(TestUsers.json(locked).get("error").asString()).isEqualTo("account_locked");
        assertThat(get("/api/v1/me", louToken).statusCode()).as("tokens cannot be guessed and keep working").isEqualTo(200);
        JsonNode users = TestUsers.json(get("/api/v1/users", CALLERS.get("admin"))).get("items");
        assertThat(users.findValues("username").stream().map(JsonNode::asString).toList()).contains("lou");
        users.forEach(user -> assertThat(user.has("lockedUntil")).as(user.toString()).isEqualTo(user.get("username").asString().equals("lou")));
        List<JsonNode> events = new ArrayList<>();
        TestUsers.json(get("/api/v1/audit?action=user.locked", CALLERS.get("admin"))).get("items").forEach(events::add);
        assertThat(events).anySatisfy(e -> assertEvent(e, "lou", "user.locked", "lou", "DENIED"));

        assertThat(send("PATCH", "/api/v1/users/lou", "{\"password\": \"lou-new-password\"}", CALLERS.get("admin")).statusCode()).isEqualTo(200);
        assertThat(get("/api/v1/me", TestUsers.basic("lou", "lou-new-password")).statusCode()).isEqualTo(200);
    }

    @Test
    void badUserRequestsGetClearErrorsAndTheAdminCannotLockThemselvesOut()
            throws Exception
    {
        String admin = CALLERS.get("admin");
        assertError(send("POST", "/api/v1/users", "{\"username\": \"zed\", \"password\": \"short\", \"roles\": [\"uploader\"]}", admin), 400, "12 characters");
        assertError(send("POST", "/api/v1/users", "{\"username\": \"zed\", \"password\": \"long-enough-pass\", \"roles\": [\"janitor\"]}", admin), 400, "No role 'janitor'");
        assertError(send("POST", "/api/v1/users", "{\"username\": \"../etc\", \"password\": \"long-enough-pass\", \"roles\": [\"uploader\"]}", admin), 400, "user name");
        assertError(send("POST", "/api/v1/users", "{\"username\": \"Rita\", \"password\": \"long-enough-pass\", \"roles\": [\"uploader\"]}", admin), 409, "exists");
        assertError(send("POST", "/api/v1/users", "{\"username\": \"zed\", \"password\": \"" + "é".repeat(40) + "\", \"roles\": [\"uploader\"]}", admin), 400, "72 bytes");
        assertError(send("PATCH", "/api/v1/users/admin", "{\"roles\": [\"radiologist\"]}", admin), 409, "admin role");
        assertError(send("PATCH", "/api/v1/users/admin", "{\"enabled\": false}", admin), 409, "own account");
        assertError(send("PUT", "/api/v1/me/password", "{\"currentPassword\": \"wrong\", \"newPassword\": \"long-enough-pass\"}", admin), 400, "current password");
        assertError(send("POST", "/api/v1/me/tokens", "{\"name\": \"\"}", CALLERS.get("radiologist")), 400, "name");

        // An admin may give themselves another role; it is audited like any grant.
        assertThat(send("PATCH", "/api/v1/users/admin", "{\"roles\": [\"admin\", \"data-engineer\"]}", admin).statusCode()).isEqualTo(200);
        assertThat(send("PATCH", "/api/v1/users/admin", "{\"roles\": [\"admin\"]}", admin).statusCode()).isEqualTo(200);

        // A changed password is the one that works.
        TestUsers.create(port, "pat", "uploader");
        String pat = TestUsers.basic("pat", TestUsers.PASSWORD);
        assertThat(send("PUT", "/api/v1/me/password", "{\"currentPassword\": \"" + TestUsers.PASSWORD + "\", \"newPassword\": \"pat-new-password-1\"}", pat)
                .statusCode()).isEqualTo(204);
        assertThat(get("/api/v1/me", pat).statusCode()).isEqualTo(401);
        assertThat(get("/api/v1/me", TestUsers.basic("PAT", "pat-new-password-1")).statusCode()).as("user names are not case-sensitive").isEqualTo(200);
    }

    @Test
    void thePageSessionNeedsItsCsrfTokenForChangesAndSignsOut()
            throws Exception
    {
        TestUsers.create(port, "sam", "radiologist");
        HttpClient browser = HttpClient.newBuilder().cookieHandler(new CookieManager()).build();
        String login = browser.send(HttpRequest.newBuilder(uri("/login")).build(), HttpResponse.BodyHandlers.ofString()).body();
        Matcher csrf = Pattern.compile("name=\"_csrf\"[^>]*value=\"([^\"]+)\"").matcher(login);
        assertThat(csrf.find()).as(login).isTrue();
        String form = "username=sam&password=" + URLEncoder.encode(TestUsers.PASSWORD, StandardCharsets.UTF_8) + "&_csrf=" + URLEncoder.encode(csrf.group(1), StandardCharsets.UTF_8);
        HttpResponse<String> signedIn = browser.send(HttpRequest.newBuilder(uri("/login")).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(signedIn.statusCode()).isEqualTo(302);
        assertThat(signedIn.headers().firstValue("Location").orElseThrow()).doesNotContain("error");

        JsonNode me = TestUsers.json(browser.send(HttpRequest.newBuilder(uri("/api/v1/me")).build(), HttpResponse.BodyHandlers.ofString()));
        assertThat(me.get("username").asString()).isEqualTo("sam");
        assertThat(me.get("roles").get(0).asString()).isEqualTo("RADIOLOGIST");

        HttpRequest.Builder createToken = HttpRequest.newBuilder(uri("/api/v1/me/tokens")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\": \"from-the-page\"}"));
        assertThat(browser.send(createToken.build(), HttpResponse.BodyHandlers.ofString()).statusCode()).as("a change without the CSRF token").isEqualTo(403);
        HttpResponse<String> withToken = browser.send(createToken.header(me.get("csrf").get("headerName").asString(), me.get("csrf").get("token").asString()).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(withToken.statusCode()).as(withToken.body()).isEqualTo(201);

        // What the admin changes applies to the open session at once: roles, then disabling.
        HttpRequest meRequest = HttpRequest.newBuilder(uri("/api/v1/me")).build();
        assertThat(send("PATCH", "/api/v1/users/sam", "{\"roles\": [\"radiologist\", \"data-engineer\"]}", CALLERS.get("admin")).statusCode()).isEqualTo(200);
        assertThat(TestUsers.json(browser.send(meRequest, HttpResponse.BodyHandlers.ofString())).get("roles").toString()).contains("DATA_ENGINEER", "RADIOLOGIST");
        assertThat(browser.send(HttpRequest.newBuilder(uri("/api/v1/pipelines/runs")).build(), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
        assertThat(send("PATCH", "/api/v1/users/sam", "{\"roles\": [\"radiologist\"]}", CALLERS.get("admin")).statusCode()).isEqualTo(200);
        assertThat(browser.send(HttpRequest.newBuilder(uri("/api/v1/pipelines/runs")).build(), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(403);

        HttpResponse<String> signedOut = browser.send(HttpRequest.newBuilder(uri("/logout"))
                .header(me.get("csrf").get("headerName").asString(), me.get("csrf").get("token").asString())
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(signedOut.statusCode()).as("204 for a script, a redirect for a browser").isIn(204, 302);
        assertThat(browser.send(meRequest, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(401);

        // A user disabled while signed in is signed out at their next request.
        HttpClient other = HttpClient.newBuilder().cookieHandler(new CookieManager()).build();
        String page = other.send(HttpRequest.newBuilder(uri("/login")).build(), HttpResponse.BodyHandlers.ofString()).body();
        Matcher token = Pattern.compile("name=\"_csrf\"[^>]*value=\"([^\"]+)\"").matcher(page);
        assertThat(token.find()).isTrue();
        other.send(HttpRequest.newBuilder(uri("/login")).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("username=sam&password=" + URLEncoder.encode(TestUsers.PASSWORD, StandardCharsets.UTF_8)
                        + "&_csrf=" + URLEncoder.encode(token.group(1), StandardCharsets.UTF_8))).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(other.send(meRequest, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
        assertThat(send("PATCH", "/api/v1/users/sam", "{\"enabled\": false}", CALLERS.get("admin")).statusCode()).isEqualTo(200);
        assertThat(other.send(meRequest, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(401);
    }

    @Test
    void theAuditLogSaysWhoDidWhatFromWhere()
            throws Exception
    {
        get("/api/v1/inferences/" + umaInference, CALLERS.get("radiologist"));
        get("/api/v1/images/" + umaImage, CALLERS.get("radiologist"));
        get("/api/v1/users", CALLERS.get("radiologist"));
        HttpResponse<String> run = send("POST", "/api/v1/pipelines/warehouse/runs", "", CALLERS.get("data-engineer"));
        get("/api/v1/me", TestUsers.basic("dave", "a-wrong-password"));

        List<JsonNode> events = new ArrayList<>();
        TestUsers.json(get("/api/v1/audit?limit=1000", CALLERS.get("admin"))).get("items").forEach(events::add);
        assertThat(events).anySatisfy(e -> assertEvent(e, "uma", "inference.upload", "inference/" + umaInference, "SUCCESS"));
        assertThat(events).anySatisfy(e -> assertEvent(e, "rita", "inference.view", "inference/" + umaInference, "SUCCESS"));
        assertThat(events).anySatisfy(e -> assertEvent(e, "rita", "image.view", "image/" + umaImage, "SUCCESS"));
        assertThat(events).anySatisfy(e -> assertEvent(e, "rita", "access.denied", "GET /api/v1/users", "DENIED"));
        if (run.statusCode() == 202) {
            assertThat(events).anySatisfy(e -> assertEvent(e, "dave", "pipeline.warehouse.start", "run/" + TestUsers.json(run).get("runId").asLong(), "SUCCESS"));
        }
        assertThat(events).anySatisfy(e -> assertEvent(e, "dave", "session.sign-in", null, "FAILURE"));
        assertThat(events).anySatisfy(e -> assertEvent(e, "admin", "user.create", "rita", "SUCCESS"));
        assertThat(events).anySatisfy(e -> assertEvent(e, "system", "user.create", "admin", "SUCCESS"));
        assertThat(events).filteredOn(e -> e.get("actor").asString().equals("rita")).allSatisfy(e ->
                assertThat(e.get("remoteAddress").asString()).isIn("127.0.0.1", "0:0:0:0:0:0:0:1"));
        assertThat(events.toString()).as("no password or token in the log").doesNotContain(TestUsers.PASSWORD, "a-wrong-password", CALLERS.get("radiologist").substring(7));

        // Filters and paging.
        JsonNode views = TestUsers.json(get("/api/v1/audit?action=inference.view&actor=rita&limit=1", CALLERS.get("admin")));
        assertThat(views.get("items")).hasSize(1);
        assertThat(views.get("items").get(0).get("action").asString()).isEqualTo("inference.view");
        assertError(get("/api/v1/audit?limit=0", CALLERS.get("admin")), 400, "limit");
    }

    private static void assertEvent(JsonNode event, String actor, String action, String target, String outcome)
    {
        assertThat(event.get("actor").asString()).isEqualTo(actor);
        assertThat(event.get("action").asString()).isEqualTo(action);
        if (target != null) {
            assertThat(event.get("target").asString()).isEqualTo(target);
        }
        assertThat(event.get("outcome").asString()).isEqualTo(outcome);
    }

    private List<Long> listed(String authorization)
            throws Exception
    {
        List<Long> ids = new ArrayList<>();
        TestUsers.json(get("/api/v1/inferences?limit=200", authorization)).get("items").forEach(item -> ids.add(item.get("inferenceId").asLong()));
        return ids;
    }

    private HttpResponse<String> upload(String authorization, String name, int seed)
            throws Exception
    {
        return new Multipart().file("image", name, "image/png", TestModels.phantomPng(PhantomGenerator.imageSeed(7070, seed)))
                .post(client, uri("/api/v1/inferences"), authorization);
    }

    private HttpResponse<String> call(Endpoint endpoint, String authorization)
            throws Exception
    {
        if ("UPLOAD".equals(endpoint.body())) {
            if (authorization == null) {
                return client.send(HttpRequest.newBuilder(uri(endpoint.path())).header("Content-Type", "multipart/form-data; boundary=x")
                        .POST(HttpRequest.BodyPublishers.ofString("--x--\r\n")).build(), HttpResponse.BodyHandlers.ofString());
            }
            return upload(authorization, "matrix.png", 3);
        }
        return send(endpoint.method(), endpoint.path(), endpoint.body(), authorization);
    }

    private HttpResponse<String> get(String path, String authorization)
            throws Exception
    {
        return send("GET", path, null, authorization);
    }

    private HttpResponse<String> send(String method, String path, String body, String authorization)
            throws Exception
    {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null && !body.isEmpty()) {
            request.header("Content-Type", "application/json");
        }
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void assertError(HttpResponse<String> response, int status, String message)
    {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(TestUsers.json(response).get("message").asString()).contains(message);
    }

    private URI uri(String path)
    {
        return URI.create("http://localhost:" + port + path);
    }
}
