package org.cxr.app.server;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/** A multipart/form-data upload built by hand, so tests send exactly the bytes, names and types they mean to. */
public final class Multipart
{
    private final String boundary = "cxr-" + UUID.randomUUID();
    private final ByteArrayOutputStream body = new ByteArrayOutputStream();
    private final Map<String, String> fields = new LinkedHashMap<>();

    public Multipart file(String field, String fileName, String contentType, byte[] bytes)
    {
        write("--" + boundary + "\r\n");
        write("Content-Disposition: form-data; name=\"" + field + "\"; filename=\"" + fileName.replace("\"", "%22") + "\"\r\n");
        if (contentType != null) {
            write("Content-Type: " + contentType + "\r\n");
        }
        write("\r\n");
        body.writeBytes(bytes);
        write("\r\n");
        return this;
    }

    public Multipart field(String name, String value)
    {
        fields.put(name, value);
        return this;
    }

    /** Posts as the caller whose {@code Authorization} header value this is. */
    public HttpResponse<String> post(HttpClient client, URI uri, String authorization)
            throws Exception
    {
        for (Map.Entry<String, String> f : fields.entrySet()) {
            write("--" + boundary + "\r\n");
            write("Content-Disposition: form-data; name=\"" + f.getKey() + "\"\r\n\r\n" + f.getValue() + "\r\n");
        }
        write("--" + boundary + "--\r\n");
        HttpRequest request = HttpRequest.newBuilder(uri)
                .header("Authorization", authorization)
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray()))
                .build();
        return client.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private void write(String text)
    {
        body.writeBytes(text.getBytes(StandardCharsets.UTF_8));
    }
}
