package org.cxr.app;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.stream.Collectors;

/**
 * Users for tests of a running server: the admin the server creates on its first start (the tests set its password
 * with {@code cxr.security.admin-password}), and users with the roles a test needs, each with a personal API token,
 * created through the API as an administrator would.
 */
public final class TestUsers
{
    public static final String ADMIN_PASSWORD = "admin-password-for-tests";
    public static final String PASSWORD = "a-password-for-tests";
    /** The property that sets the admin's password, for {@code @DynamicPropertySource} and command lines. */
    public static final String ADMIN_PASSWORD_PROPERTY = "cxr.security.admin-password";
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient CLIENT = HttpClient.newHttpClient();

    private TestUsers() {}

    public static String basic(String username, String password)
    {
        return "Basic " + Base64.getEncoder().encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    public static String adminBasic()
    {
        return basic("admin", ADMIN_PASSWORD);
    }

    /** Creates the user with these roles (e.g. "radiologist", "data-engineer"), password {@link #PASSWORD}. */
    public static void create(int port, String username, String... roles)
    {
        String body = "{\"username\": \"" + username + "\", \"password\": \"" + PASSWORD + "\", \"roles\": ["
                + Arrays.stream(roles).map(role -> "\"" + role + "\"").collect(Collectors.joining(", ")) + "]}";
        HttpResponse<String> created = send(HttpRequest.newBuilder(uri(port, "/api/v1/users"))
                .header("Authorization", adminBasic())
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
        if (created.statusCode() != 201) {
            throw new IllegalStateException("creating " + username + ": " + created.statusCode() + " " + created.body());
        }
    }

    /** A new personal API token of this user (signing in with {@link #PASSWORD}). */
    public static String token(int port, String username)
    {
        HttpResponse<String> issued = send(HttpRequest.newBuilder(uri(port, "/api/v1/me/tokens"))
                .header("Authorization", basic(username, PASSWORD))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\": \"tests\"}")).build());
        if (issued.statusCode() != 201) {
            throw new IllegalStateException("token for " + username + ": " + issued.statusCode() + " " + issued.body());
        }
        return JSON.readTree(issued.body()).get("token").asString();
    }

    /** Creates the user and returns the {@code Authorization} header value of a new token of theirs. */
    public static String bearer(int port, String username, String... roles)
    {
        create(port, username, roles);
        return "Bearer " + token(port, username);
    }

    public static JsonNode json(HttpResponse<String> response)
    {
        return JSON.readTree(response.body());
    }

    private static URI uri(int port, String path)
    {
        return URI.create("http://localhost:" + port + path);
    }

    private static HttpResponse<String> send(HttpRequest request)
    {
        try {
            return CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
        }
        catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
