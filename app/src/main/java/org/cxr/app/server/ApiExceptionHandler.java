package org.cxr.app.server;

import jakarta.servlet.http.HttpServletRequest;
import org.apache.tomcat.util.http.fileupload.InvalidFileNameException;
import org.cxr.imaging.ImageRejectedException;
import org.cxr.lake.errors.ConflictException;
import org.cxr.lake.errors.DomainException;
import org.cxr.lake.errors.Failures;
import org.cxr.lake.errors.ForbiddenException;
import org.cxr.lake.errors.InvalidInputException;
import org.cxr.lake.errors.NotFoundException;
import org.cxr.lake.errors.TooLargeException;
import org.cxr.lake.errors.UnavailableException;
import org.cxr.lake.errors.UnsupportedContentException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
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

import java.util.Locale;

/**
 * The one place where failures become HTTP answers: each kind of domain failure has its status, the caller's mistakes
 * a 4xx that says what to fix, a store that does not answer a 503, anything else a 500 with a fixed message (details go
 * to the log, never to the client).
 */
@RestControllerAdvice
public class ApiExceptionHandler
{
    private static final Logger log = LoggerFactory.getLogger(ApiExceptionHandler.class);

    @ExceptionHandler(DomainException.class)
    ResponseEntity<ProblemDetail> domain(DomainException e, HttpServletRequest request)
    {
        HttpStatus status = statusOf(e);
        if (status == HttpStatus.SERVICE_UNAVAILABLE) {
            log.warn("Storage unavailable: {} ({})", e.getMessage(), e.getCause() == null ? "no cause" : e.getCause().toString());
        }
        return respond(request, Problems.of(status, e.code(), e.getMessage(), e.details()));
    }

    /** Each kind of domain failure's one status. */
    static HttpStatus statusOf(DomainException e)
    {
        if (e instanceof NotFoundException) {
            return HttpStatus.NOT_FOUND;
        }
        if (e instanceof ConflictException) {
            return HttpStatus.CONFLICT;
        }
        if (e instanceof InvalidInputException) {
            return HttpStatus.BAD_REQUEST;
        }
        if (e instanceof TooLargeException) {
            return HttpStatus.CONTENT_TOO_LARGE;
        }
        if (e instanceof UnsupportedContentException) {
            return HttpStatus.UNSUPPORTED_MEDIA_TYPE;
        }
        if (e instanceof ForbiddenException) {
            return HttpStatus.FORBIDDEN;
        }
        if (e instanceof UnavailableException) {
            return HttpStatus.SERVICE_UNAVAILABLE;
        }
        throw new IllegalStateException("a kind of domain failure without a status: " + e.getClass().getName());
    }

    @ExceptionHandler(ImageRejectedException.class)
    ResponseEntity<ProblemDetail> rejectedImage(ImageRejectedException e, HttpServletRequest request)
    {
        return respond(request, Problems.of(statusOf(e.reason()), e.reason().code(), e.getMessage()));
    }

    /** How each reason the detector refuses an image is answered. */
    public static HttpStatus statusOf(ImageRejectedException.Reason reason)
    {
        return switch (reason) {
            case UNSUPPORTED_FORMAT, UNSUPPORTED_ENCODING -> HttpStatus.UNSUPPORTED_MEDIA_TYPE;
            case TOO_MANY_PIXELS -> HttpStatus.CONTENT_TOO_LARGE;
            case EMPTY, CORRUPT -> HttpStatus.UNPROCESSABLE_CONTENT;
        };
    }

    @ExceptionHandler(MaxUploadSizeExceededException.class)
    ResponseEntity<ProblemDetail> tooLarge(MaxUploadSizeExceededException e, HttpServletRequest request)
    {
        return respond(request, Problems.of(HttpStatus.CONTENT_TOO_LARGE, "upload_too_large", "The upload is larger than the server accepts."));
    }

    @ExceptionHandler(MissingServletRequestPartException.class)
    ResponseEntity<ProblemDetail> missingPart(MissingServletRequestPartException e, HttpServletRequest request)
    {
        return respond(request, Problems.of(HttpStatus.BAD_REQUEST, "missing_field", "The request has no part named '" + e.getRequestPartName() + "'."));
    }

    @ExceptionHandler(MissingServletRequestParameterException.class)
    ResponseEntity<ProblemDetail> missingParameter(MissingServletRequestParameterException e, HttpServletRequest request)
    {
        return respond(request, Problems.of(HttpStatus.BAD_REQUEST, "missing_field", "The request has no parameter '" + e.getParameterName() + "'."));
    }

    @ExceptionHandler(MultipartException.class)
    ResponseEntity<ProblemDetail> multipart(MultipartException e, HttpServletRequest request)
    {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof InvalidFileNameException) {
                // The container's multipart parser refuses a NUL in a file name before the application sees the name.
                return respond(request, Problems.of(HttpStatus.BAD_REQUEST, "bad_file_name", "The file name contains a NUL character."));
            }
        }
        return respond(request, Problems.of(HttpStatus.BAD_REQUEST, "bad_multipart", "Send the image as multipart/form-data in the field 'image'."));
    }

    @ExceptionHandler(HttpMessageNotReadableException.class)
    ResponseEntity<ProblemDetail> unreadableBody(HttpMessageNotReadableException e, HttpServletRequest request)
    {
        return respond(request, Problems.of(HttpStatus.BAD_REQUEST, "bad_body", "The request body is not the JSON this operation takes."));
    }

    @ExceptionHandler(MethodArgumentTypeMismatchException.class)
    ResponseEntity<ProblemDetail> typeMismatch(MethodArgumentTypeMismatchException e, HttpServletRequest request)
    {
        return respond(request, Problems.of(HttpStatus.BAD_REQUEST, "bad_parameter", "Parameter '" + e.getName() + "' has an invalid value."));
    }

    @ExceptionHandler(HttpMediaTypeNotSupportedException.class)
    ResponseEntity<ProblemDetail> mediaType(HttpMediaTypeNotSupportedException e, HttpServletRequest request)
    {
        return respond(request, Problems.of(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type",
                "This operation does not take " + (e.getContentType() == null ? "a body without a content type" : e.getContentType()) + "."));
    }

    @ExceptionHandler(HttpRequestMethodNotSupportedException.class)
    ResponseEntity<ProblemDetail> method(HttpRequestMethodNotSupportedException e, HttpServletRequest request)
    {
        return respond(request, Problems.of(HttpStatus.METHOD_NOT_ALLOWED, "method_not_allowed", e.getMethod() + " is not allowed here."));
    }

    @ExceptionHandler(NoResourceFoundException.class)
    ResponseEntity<ProblemDetail> noResource(NoResourceFoundException e, HttpServletRequest request)
    {
        return respond(request, Problems.of(HttpStatus.NOT_FOUND, "not_found", "No such resource: /" + e.getResourcePath()));
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<ProblemDetail> unexpected(Exception e, HttpServletRequest request)
    {
        if (Failures.isDatabaseUnavailable(e)) {
            // A read outside the lake's API (users, tokens, the audit log) while the database is down.
            log.warn("Database unavailable: {}", e.toString());
            return respond(request, Problems.databaseUnavailable());
        }
        log.error("Unexpected error", e);
        return respond(request, Problems.of(HttpStatus.INTERNAL_SERVER_ERROR, "internal_error", "The server failed to handle the request; it has been logged."));
    }

    private static ResponseEntity<ProblemDetail> respond(HttpServletRequest request, ProblemDetail problem)
    {
        return Problems.respond(request, request.getRequestURI(), problem);
    }
}
