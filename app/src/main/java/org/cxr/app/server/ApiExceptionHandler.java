package org.cxr.app.server;

import org.cxr.detector.image.ImageRejectedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.multipart.MaxUploadSizeExceededException;
import org.springframework.web.multipart.MultipartException;
import org.springframework.web.multipart.support.MissingServletRequestPartException;
import org.springframework.web.servlet.resource.NoResourceFoundException;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * Turns every failure into a JSON {@link ApiError}: the caller's mistakes into 4xx with what to fix, a store that is
 * down into 503, anything else into 500 with a generic message (details go to the log, never to the client).
 */
@RestControllerAdvice
public class ApiExceptionHandler
{
    private static final Logger log = LoggerFactory.getLogger(ApiExceptionHandler.class);

    @ExceptionHandler(ImageRejectedException.class)
    ResponseEntity<ApiError> rejectedImage(ImageRejectedException e)
    {
        HttpStatus status = switch (e.reason()) {
            case UNSUPPORTED_FORMAT -> HttpStatus.UNSUPPORTED_MEDIA_TYPE;
            case TOO_MANY_PIXELS -> HttpStatus.CONTENT_TOO_LARGE;
            case EMPTY, CORRUPT -> HttpStatus.UNPROCESSABLE_CONTENT;
        };
        return respond(status, "image_" + e.reason().name().toLowerCase(java.util.Locale.ROOT), e.getMessage());
    }

    @ExceptionHandler(BadRequestException.class)
    ResponseEntity<ApiError> badRequest(BadRequestException e)
    {
        return respond(e.status(), e.error(), e.getMessage());
    }

    @ExceptionHandler(IllegalArgumentException.class)
    ResponseEntity<ApiError> illegalArgument(IllegalArgumentException e)
    {
        return respond(HttpStatus.BAD_REQUEST, "bad_request", e.getMessage());
    }

    @ExceptionHandler(MaxUploadSizeExceededException.class)
    ResponseEntity<ApiError> tooLarge(MaxUploadSizeExceededException e)
    {
        return respond(HttpStatus.CONTENT_TOO_LARGE, "upload_too_large", "The upload is larger than the server accepts.");
    }

    @ExceptionHandler({MissingServletRequestPartException.class, MissingServletRequestParameterException.class})
    ResponseEntity<ApiError> missingPart(Exception e)
    {
        return respond(HttpStatus.BAD_REQUEST, "missing_field", e.getMessage());
    }

    @ExceptionHandler(MultipartException.class)
    ResponseEntity<ApiError> multipart(MultipartException e)
    {
        return respond(HttpStatus.BAD_REQUEST, "bad_multipart", "Send the image as multipart/form-data in the field 'image'.");
    }

    @ExceptionHandler(MethodArgumentTypeMismatchException.class)
    ResponseEntity<ApiError> typeMismatch(MethodArgumentTypeMismatchException e)
    {
        return respond(HttpStatus.BAD_REQUEST, "bad_parameter", "Parameter '" + e.getName() + "' has an invalid value.");
    }

    @ExceptionHandler(HttpMediaTypeNotSupportedException.class)
    ResponseEntity<ApiError> mediaType(HttpMediaTypeNotSupportedException e)
    {
        return respond(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type", e.getMessage());
    }

    @ExceptionHandler(HttpRequestMethodNotSupportedException.class)
    ResponseEntity<ApiError> method(HttpRequestMethodNotSupportedException e)
    {
        return respond(HttpStatus.METHOD_NOT_ALLOWED, "method_not_allowed", e.getMessage());
    }

    @ExceptionHandler(NoResourceFoundException.class)
    ResponseEntity<ApiError> noResource(NoResourceFoundException e)
    {
        return respond(HttpStatus.NOT_FOUND, "not_found", "No such resource: /" + e.getResourcePath());
    }

    @ExceptionHandler(NotFoundException.class)
    ResponseEntity<ApiError> notFound(NotFoundException e)
    {
        return respond(HttpStatus.NOT_FOUND, "not_found", e.getMessage());
    }

    @ExceptionHandler(StoreUnavailableException.class)
    ResponseEntity<ApiError> unavailable(StoreUnavailableException e)
    {
        log.warn("Storage unavailable: {}", e.getMessage());
        return respond(HttpStatus.SERVICE_UNAVAILABLE, "storage_unavailable", e.getMessage());
    }

    /**
     * A store that cannot be reached outside an upload (a listing, a read, an image): 503 as for uploads, with a fixed
     * message, since the exception's own text can carry host names, SQL or keys.
     */
    @ExceptionHandler({DataAccessResourceFailureException.class, TransientDataAccessException.class, CannotCreateTransactionException.class})
    ResponseEntity<ApiError> databaseUnavailable(Exception e)
    {
        log.warn("Database unavailable: {}", e.toString());
        return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE).body(ApiError.databaseUnavailable());
    }

    @ExceptionHandler(SdkException.class)
    ResponseEntity<ApiError> objectStoreUnavailable(SdkException e)
    {
        log.warn("Object store unavailable: {}", e.toString());
        return respond(HttpStatus.SERVICE_UNAVAILABLE, "storage_unavailable", "The image store is unavailable. Try again shortly.");
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<ApiError> unexpected(Exception e)
    {
        log.error("Unexpected error", e);
        return respond(HttpStatus.INTERNAL_SERVER_ERROR, "internal_error", "The server failed to handle the request; it has been logged.");
    }

    private static ResponseEntity<ApiError> respond(HttpStatus status, String error, String message)
    {
        return ResponseEntity.status(status).body(ApiError.of(status.value(), error, message));
    }
}
