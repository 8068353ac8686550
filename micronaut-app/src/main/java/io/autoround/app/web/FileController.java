package io.autoround.app.web;

import io.autoround.app.files.ByteRange;
import io.autoround.app.files.OutputFiles;
import io.autoround.app.jobs.JobService;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.server.types.files.StreamedFile;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Lists and streams a job's output files (with single byte-range requests); paths never leave the job's folder. */
@Controller("/v1/jobs/{id}/files")
@ExecuteOn(TaskExecutors.BLOCKING)
public class FileController {
    private final JobService jobs;
    private final OutputFiles files;

    public FileController(JobService jobs, OutputFiles files) {
        this.jobs = jobs;
        this.files = files;
    }

    /** The job's output files with sizes and download URLs. */
    @Get
    public List<FileEntry> list(String id) {
        jobs.get(id);
        return files.list(id).stream().map(f -> new FileEntry(f.path(), f.size(),
                "/v1/jobs/" + id + "/files/" + encode(f.path()))).toList();
    }

    /** Downloads one file; honours {@code Range: bytes=a-b} with 206, answers 416 for ranges past the end. */
    @Get(value = "/{+path}", produces = MediaType.APPLICATION_OCTET_STREAM)
    public HttpResponse<?> download(String id, @PathVariable("path") String path, HttpRequest<?> request) throws IOException {
        jobs.get(id);
        Path file = files.resolve(id, path);
        long size = Files.size(file);
        ByteRange range;
        try {
            range = ByteRange.parse(request.getHeaders().get(HttpHeaders.RANGE), size);
        } catch (ByteRange.Unsatisfiable e) {
            return HttpResponse.status(HttpStatus.REQUESTED_RANGE_NOT_SATISFIABLE)
                    .header(HttpHeaders.CONTENT_RANGE, "bytes */" + size).contentType(MediaType.APPLICATION_JSON_TYPE)
                    .body(new ErrorBody(416, "range not satisfiable: the file has " + size + " bytes", List.of()));
        }
        long first = range == null ? 0 : range.first();
        long length = range == null ? size : range.length();
        StreamedFile body = new StreamedFile(OutputFiles.open(file, first, length), MediaType.APPLICATION_OCTET_STREAM_TYPE,
                Files.getLastModifiedTime(file).toMillis(), length);
        MutableHttpResponse<StreamedFile> res = range == null ? HttpResponse.ok(body)
                : HttpResponse.<StreamedFile>status(HttpStatus.PARTIAL_CONTENT).body(body)
                        .header(HttpHeaders.CONTENT_RANGE, "bytes " + range.first() + "-" + range.last() + "/" + size);
        return res.header(HttpHeaders.ACCEPT_RANGES, "bytes");
    }

    private static String encode(String path) {
        return URLEncoder.encode(path, StandardCharsets.UTF_8).replace("%2F", "/").replace("+", "%20");
    }
}
