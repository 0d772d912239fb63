package org.cxr.app.server;

import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.web.multipart.MaxUploadSizeExceededException;
import org.springframework.web.multipart.MultipartException;
import org.springframework.web.multipart.MultipartHttpServletRequest;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class InMemoryMultipartResolverTest
{
    private static final int MAX_REQUEST = 4096;
    private final InMemoryMultipartResolver resolver = new InMemoryMultipartResolver(MAX_REQUEST, new MultipartBody.Limits(10, 1024, 2048));

    @Test
    void filesFieldsAndTheQueryAreWhatTheRequestHolds()
            throws Exception
    {
        byte[] png = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0, '-', '-'};
        MockHttpServletRequest request = upload(body(png, "0.4", "quoted-boundary"), "\"quoted-boundary\"");
        request.setQueryString("candidates=true");
        request.addParameter("candidates", "true");

        MultipartHttpServletRequest parts = resolver.resolveMultipart(request);

        assertThat(parts.getFile("image").getBytes()).isEqualTo(png);
        assertThat(parts.getFile("image").getOriginalFilename()).isEqualTo("x-ray.png");
        assertThat(parts.getFile("image").getContentType()).isEqualTo("image/png");
        assertThat(parts.getParameter("confidence")).isEqualTo("0.4");
        assertThat(parts.getParameter("candidates")).isEqualTo("true");
        assertThat(parts.getMultipartHeaders("image").getFirst(HttpHeaders.CONTENT_DISPOSITION))
                .isEqualTo("form-data; name=\"image\"; filename=\"x-ray.png\"");
    }

    @Test
    void aBodyWithoutADeclaredLengthIsReadUpToTheLimit()
            throws Exception
    {
        byte[] png = new byte[1000];
        MockHttpServletRequest chunked = withoutLength(body(png, "0.4"));
        assertThat(resolver.resolveMultipart(chunked).getFile("image").getBytes()).isEqualTo(png);

        MockHttpServletRequest tooLong = withoutLength(body(new byte[MAX_REQUEST], "0.4"));
        assertThatThrownBy(() -> resolver.resolveMultipart(tooLong)).isInstanceOf(MaxUploadSizeExceededException.class);
    }

    @Test
    void aDeclaredLengthOverTheLimitIsRefusedUnreadAndAShortBodyIsRefused()
    {
        MockHttpServletRequest tooLarge = new MockHttpServletRequest()
        {
            @Override
            public long getContentLengthLong()
            {
                return MAX_REQUEST + 1;
            }

            @Override
            public jakarta.servlet.ServletInputStream getInputStream()
            {
                throw new AssertionError("a body over the limit is not read");
            }
        };
        tooLarge.setContentType("multipart/form-data; boundary=b");
        assertThatThrownBy(() -> resolver.resolveMultipart(tooLarge)).isInstanceOf(MaxUploadSizeExceededException.class);

        byte[] whole = body(new byte[10], "0.4");
        MockHttpServletRequest shorter = new MockHttpServletRequest()
        {
            @Override
            public long getContentLengthLong()
            {
                return whole.length + 100;
            }
        };
        shorter.setContentType("multipart/form-data; boundary=b");
        shorter.setContent(whole);
        assertThatThrownBy(() -> resolver.resolveMultipart(shorter)).isInstanceOf(MultipartException.class).hasMessageContaining("ended after");
    }

    @Test
    void onlyMultipartRequestsAreItsToRead()
    {
        MockHttpServletRequest json = new MockHttpServletRequest();
        json.setContentType("application/json");
        MockHttpServletRequest multipart = new MockHttpServletRequest();
        multipart.setContentType("Multipart/Form-Data; boundary=b");

        assertThat(resolver.isMultipart(json)).isFalse();
        assertThat(resolver.isMultipart(new MockHttpServletRequest())).isFalse();
        assertThat(resolver.isMultipart(multipart)).isTrue();
    }

    private static MockHttpServletRequest upload(byte[] body, String boundary)
    {
        MockHttpServletRequest request = new MockHttpServletRequest("POST", "/api/v1/inferences");
        request.setContentType("multipart/form-data; boundary=" + boundary);
        request.setContent(body);
        return request;
    }

    private static MockHttpServletRequest withoutLength(byte[] body)
    {
        MockHttpServletRequest request = new MockHttpServletRequest("POST", "/api/v1/inferences")
        {
            @Override
            public long getContentLengthLong()
            {
                return -1;
            }
        };
        request.setContentType("multipart/form-data; boundary=b");
        request.setContent(body);
        return request;
    }

    /** The image and a confidence field, between the boundaries "b". */
    private static byte[] body(byte[] png, String confidence)
    {
        return body(png, confidence, "b");
    }

    private static byte[] body(byte[] png, String confidence, String boundary)
    {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"image\"; filename=\"x-ray.png\"\r\nContent-Type: image/png\r\n\r\n")
                .getBytes(StandardCharsets.UTF_8));
        out.writeBytes(png);
        out.writeBytes(("\r\n--" + boundary + "\r\nContent-Disposition: form-data; name=\"confidence\"\r\n\r\n" + confidence + "\r\n--" + boundary + "--\r\n")
                .getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }
}
