package org.cxr.app.resilience;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;

import static java.util.Objects.requireNonNull;

/**
 * The API as a hostile or unlucky client sees it: multipart uploads built byte by byte (file name, content type and
 * extra fields exactly as given), every request bounded by a timeout so a hang fails the test instead of stalling it.
 */
final class Api
{
    static final JsonMapper JSON = JsonMapper.builder().build();
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;
    private final Duration timeout;
    private final String authorization;

    /** A client without credentials. */
    Api(int port, Duration timeout)
    {
        this(port, timeout, null);
    }

    /** A client sending this {@code Authorization} header with every request. */
    Api(int port, Duration timeout, String authorization)
    {
        this.base = "http://localhost:" + port;
        this.timeout = requireNonNull(timeout, "timeout");
        this.authorization = authorization;
    }

    private HttpRequest.Builder request(String pathAndQuery)
    {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(base + pathAndQuery)).timeout(timeout);
        return authorization == null ? builder : builder.header("Authorization", authorization);
    }

    /** How the file name travels in the Content-Disposition header. */
    enum NameEncoding
    {
        /** {@code filename="..."} with {@code \} and {@code "} escaped as quoted pairs (RFC 7230), other bytes raw UTF-8. */
        QUOTED,
        /** Only {@code filename*=UTF-8''...} (RFC 5987), percent-encoded: any character, CR, LF and NUL included. */
        EXTENDED,
        /** {@code filename="..."} with the name's bytes as they are, as a careless or hostile client sends them. */
        RAW
    }

    HttpResponse<String> upload(String fileName, String contentType, byte[] bytes, String... fields)
            throws Exception
    {
        return upload(fileName, NameEncoding.QUOTED, contentType, bytes, fields);
    }

    HttpResponse<String> upload(String fileName, NameEncoding encoding, String contentType, byte[] bytes, String... fields)
            throws Exception
    {
        String boundary = "cxr-" + UUID.randomUUID();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        write(body, "--" + boundary + "\r\n");
        write(body, "Content-Disposition: form-data; name=\"image\"; " + fileNameParameter(requireNonNull(fileName, "fileName"), encoding) + "\r\n");
        if (contentType != null) {
            write(body, "Content-Type: " + contentType + "\r\n");
        }
        write(body, "\r\n");
        body.writeBytes(bytes);
        write(body, "\r\n");
        for (int i = 0; i < fields.length; i += 2) {
            write(body, "--" + boundary + "\r\n");
            write(body, "Content-Disposition: form-data; name=\"" + fields[i] + "\"\r\n\r\n" + fields[i + 1] + "\r\n");
        }
        write(body, "--" + boundary + "--\r\n");
        HttpRequest request = request("/api/v1/inferences")
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray()))
                .build();
        return client.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private static String fileNameParameter(String fileName, NameEncoding encoding)
    {
        return switch (encoding) {
            case QUOTED -> "filename=\"" + fileName.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
            case EXTENDED -> "filename*=UTF-8''" + URLEncoder.encode(fileName, StandardCharsets.UTF_8).replace("+", "%20").replace("*", "%2A");
            case RAW -> "filename=\"" + fileName + "\"";
        };
    }

    /** A request body sent as it is, under any content type: for malformed multipart and the like. */
    HttpResponse<String> post(String path, String contentType, byte[] body)
            throws Exception
    {
        return client.send(request(path)
                .header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> get(String pathAndQuery)
            throws Exception
    {
        return client.send(request(pathAndQuery).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<byte[]> getBytes(String pathAndQuery)
            throws Exception
    {
        return client.send(request(pathAndQuery).GET().build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    static String query(String value)
    {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    static JsonNode json(HttpResponse<String> response)
    {
        return JSON.readTree(response.body());
    }

    /**
     * Null when the response is a well-formed API error (a problem+json body with the same status and a non-blank message),
     * else what is wrong with it.
     */
    static String errorProblem(HttpResponse<String> response)
    {
        String type = response.headers().firstValue("Content-Type").orElse("");
        if (!type.startsWith("application/problem+json")) {
            return "content type " + type;
        }
        try {
            JsonNode body = json(response);
            JsonNode message = body.get("message");
            if (message == null || !message.isString() || message.asString().isBlank()) {
                return "no message";
            }
            if (body.get("status") == null || body.get("status").asInt() != response.statusCode()) {
                return "status field " + body.get("status");
            }
            return null;
        }
        catch (RuntimeException e) {
            return "body is not JSON: " + e.getMessage();
        }
    }

    private static void write(ByteArrayOutputStream out, String text)
    {
        out.writeBytes(text.getBytes(StandardCharsets.UTF_8));
    }
}
