package org.cxr.app.server;

import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.web.multipart.MaxUploadSizeExceededException;
import org.springframework.web.multipart.MultipartException;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MultipartBodyTest
{
    private static final MultipartBody.Limits LIMITS = new MultipartBody.Limits(10, 2048, 1 << 20);

    @Test
    void contentThatHoldsPiecesOfTheBoundaryStaysInOnePart()
    {
        Random random = new Random(11);
        String boundary = "----cxr-boundary-42";
        for (int round = 0; round < 200; round++) {
            ByteArrayOutputStream content = new ByteArrayOutputStream();
            for (int piece = 0; piece < 20; piece++) {
                byte[] noise = new byte[random.nextInt(300)];
                random.nextBytes(noise);
                content.writeBytes(noise);
                // Every proper prefix of the delimiter, and the boundary without the line break before it.
                String delimiter = "\r\n--" + boundary;
                content.writeBytes((random.nextBoolean() ? delimiter.substring(0, 1 + random.nextInt(delimiter.length() - 1)) : "--" + boundary)
                        .getBytes(StandardCharsets.ISO_8859_1));
            }
            byte[] file = content.toByteArray();
            if (new String(file, StandardCharsets.ISO_8859_1).contains("\r\n--" + boundary)) {
                continue; // noise that completed a delimiter: a client never sends a boundary its content holds
            }
            byte[] body = body(boundary, "preamble\r\n", part("form-data; name=\"image\"; filename=\"a.png\"", "image/png", file),
                    part("form-data; name=\"confidence\"", null, "0.35".getBytes(StandardCharsets.UTF_8)));

            List<MultipartBody.Part> parts = MultipartBody.parse(body, boundary, LIMITS);

            assertThat(parts).hasSize(2);
            assertThat(parts.get(0).name()).isEqualTo("image");
            assertThat(parts.get(0).fileName()).contains("a.png");
            assertThat(parts.get(0).headers().getFirst(HttpHeaders.CONTENT_TYPE)).isEqualTo("image/png");
            assertThat(parts.get(0).content()).as("round %d", round).isEqualTo(file);
            assertThat(parts.get(1).fileName()).isEmpty();
            assertThat(new String(parts.get(1).content(), StandardCharsets.UTF_8)).isEqualTo("0.35");
        }
    }

    @Test
    void fileNamesAreReadAsSpringReadsThemAndPartsWithoutANameAreLeftOut()
    {
        byte[] body = body("b",
                "",
                part("form-data; name=\"image\"; filename=\"a \\\"quoted\\\" \\\\ name.png\"", null, new byte[] {1}),
                part("form-data; name=\"other\"; filename*=UTF-8''%E8%83%B8%E9%83%A8-%C3%B1.png", null, new byte[] {2}),
                part("form-data; filename=\"nameless.png\"", null, new byte[] {3}),
                "Content-Type: text/plain\r\n\r\nno disposition".getBytes(StandardCharsets.UTF_8));

        List<MultipartBody.Part> parts = MultipartBody.parse(body, "b", LIMITS);

        assertThat(parts).extracting(MultipartBody.Part::name).containsExactly("image", "other");
        assertThat(parts.get(0).fileName()).contains("a \"quoted\" \\ name.png");
        assertThat(parts.get(1).fileName()).contains("胸部-ñ.png");
    }

    @Test
    void headerLinesAreReadAsTheContainerReadThem()
    {
        byte[] body = body("b", "", ("Content-Disposition: form-data;\r\n name=\"image\";\r\n\tfilename=\"folded.png\"\r\nnot a header line\r\n"
                + "Content-Type:image/png\r\n\r\nxyz").getBytes(StandardCharsets.UTF_8));

        MultipartBody.Part part = MultipartBody.parse(body, "b", LIMITS).get(0);

        assertThat(part.fileName()).contains("folded.png");
        assertThat(part.headers().getFirst(HttpHeaders.CONTENT_TYPE)).isEqualTo("image/png");
        assertThat(part.headers().size()).isEqualTo(2);
        assertThat(part.content()).isEqualTo("xyz".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aBodyThatIsNotWholeIsRefused()
    {
        byte[] whole = body("b", "", part("form-data; name=\"image\"; filename=\"a.png\"", "image/png", new byte[100]));
        String text = new String(whole, StandardCharsets.ISO_8859_1);

        assertThat(MultipartBody.parse(whole, "b", LIMITS)).hasSize(1);
        for (int cut : List.of(5, 30, text.indexOf("\r\n\r\n") + 2, text.length() - 10, text.length() - 4)) {
            byte[] cutOff = java.util.Arrays.copyOf(whole, cut);
            assertThatThrownBy(() -> MultipartBody.parse(cutOff, "b", LIMITS)).as("cut at %d", cut).isInstanceOf(MultipartException.class);
        }
        assertThatThrownBy(() -> MultipartBody.parse(whole, "other", LIMITS)).isInstanceOf(MultipartException.class);
        assertThatThrownBy(() -> MultipartBody.parse(whole, null, LIMITS)).isInstanceOf(MultipartException.class);
        assertThatThrownBy(() -> MultipartBody.parse("garbage".getBytes(StandardCharsets.UTF_8), "b", LIMITS)).isInstanceOf(MultipartException.class);
    }

    @Test
    void theLimitsOnPartsHeadersAndSizeHold()
    {
        byte[][] eleven = new byte[11][];
        for (int i = 0; i < eleven.length; i++) {
            eleven[i] = part("form-data; name=\"f" + i + "\"", null, new byte[] {'x'});
        }
        assertThat(MultipartBody.parse(body("b", "", java.util.Arrays.copyOf(eleven, 10)), "b", LIMITS)).hasSize(10);
        assertThatThrownBy(() -> MultipartBody.parse(body("b", "", eleven), "b", LIMITS))
                .isInstanceOf(MultipartException.class).hasMessageContaining("more than 10 parts");

        byte[] longHeader = body("b", "", part("form-data; name=\"image\"; filename=\"" + "x".repeat(2100) + "\"", null, new byte[1]));
        assertThatThrownBy(() -> MultipartBody.parse(longHeader, "b", LIMITS)).isInstanceOf(MultipartException.class).hasMessageContaining("headers");

        byte[] atLimit = body("b", "", part("form-data; name=\"image\"; filename=\"a.png\"", null, new byte[1 << 20]));
        assertThat(MultipartBody.parse(atLimit, "b", LIMITS).get(0).content()).hasSize(1 << 20);
        byte[] tooLarge = body("b", "", part("form-data; name=\"image\"; filename=\"a.png\"", null, new byte[(1 << 20) + 1]));
        assertThatThrownBy(() -> MultipartBody.parse(tooLarge, "b", LIMITS)).isInstanceOf(MaxUploadSizeExceededException.class);
    }

    @Test
    void anEmptyFormAndAnEmptyPartAreBodiesToo()
    {
        assertThat(MultipartBody.parse("--b--\r\n".getBytes(StandardCharsets.US_ASCII), "b", LIMITS)).isEmpty();
        List<MultipartBody.Part> parts = MultipartBody.parse(body("b", "", part("form-data; name=\"image\"; filename=\"\"", null, new byte[0])), "b", LIMITS);
        assertThat(parts.get(0).fileName()).isEqualTo(Optional.of(""));
        assertThat(parts.get(0).content()).isEmpty();
    }

    private static byte[] part(String disposition, String contentType, byte[] content)
    {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(("Content-Disposition: " + disposition + "\r\n").getBytes(StandardCharsets.UTF_8));
        if (contentType != null) {
            out.writeBytes(("Content-Type: " + contentType + "\r\n").getBytes(StandardCharsets.UTF_8));
        }
        out.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
        out.writeBytes(content);
        return out.toByteArray();
    }

    private static byte[] body(String boundary, String preamble, byte[]... parts)
    {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(preamble.getBytes(StandardCharsets.UTF_8));
        for (byte[] part : parts) {
            out.writeBytes(((preamble.isEmpty() && out.size() == 0 ? "" : "\r\n") + "--" + boundary + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.writeBytes(part);
        }
        out.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII));
        return out.toByteArray();
    }
}
