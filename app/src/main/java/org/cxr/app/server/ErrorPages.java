package org.cxr.app.server;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import java.util.Locale;

/**
 * What the servlet container answers itself (a request body that stops arriving: 408, a request it cannot parse, an
 * error after the response began) is sent here, and gets the same problem body as every other error instead of Spring
 * Boot's default error JSON. The messages are fixed: a container error carries no text meant for the client.
 */
@RestController
final class ErrorPages
        implements ErrorController
{
    @RequestMapping("/error")
    ResponseEntity<ProblemDetail> error(HttpServletRequest request)
    {
        Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        HttpStatus status = code instanceof Integer number && HttpStatus.resolve(number) != null ? HttpStatus.resolve(number) : HttpStatus.NOT_FOUND;
        ProblemDetail problem = switch (status) {
            case REQUEST_TIMEOUT -> Problems.of(status, "request_timeout", "The request body stopped arriving before it was complete; send it again.");
            case NOT_FOUND -> Problems.of(status, "not_found", "No such resource.");
            case CONTENT_TOO_LARGE -> Problems.of(status, "upload_too_large", "The upload is larger than the server accepts.");
            case INTERNAL_SERVER_ERROR -> Problems.of(status, "internal_error", "The server failed to handle the request; it has been logged.");
            default -> Problems.of(status, status.name().toLowerCase(Locale.ROOT), status.getReasonPhrase() + ".");
        };
        Object uri = request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI);
        return Problems.respond(request, uri instanceof String path ? path : request.getRequestURI(), problem);
    }
}
