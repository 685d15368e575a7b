using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Scrm.Platform.Text;

namespace Scrm.Platform.Tables;

/// <summary>
/// Reads an uploaded table from a request: the raw body (CSV in any encoding offices write, or an
/// <c>.xlsx</c>) or the first file of a <c>multipart/form-data</c> form, as a browser sends it. A body
/// that is not a table is refused with problem details and a log line that names no content.
/// </summary>
public static partial class Uploads
{
    /// <summary>The largest table file an import endpoint takes.</summary>
    public const long MaxBytes = 32L * 1024 * 1024;

    private static readonly string[] TableTypes =
    [
        "text/csv", "text/plain", "application/csv", "application/vnd.ms-excel", SheetFormats.XlsxMediaType, "application/octet-stream",
    ];

    private static readonly UserText WrongType = new(
        "请上传 CSV 或 .xlsx 文件（text/csv、application/vnd.openxmlformats-officedocument.spreadsheetml.sheet 或 multipart/form-data）。",
        "Upload a CSV or .xlsx file (text/csv, application/vnd.openxmlformats-officedocument.spreadsheetml.sheet or multipart/form-data).");

    private static readonly UserText NoFile = new("表单中没有文件。", "The form has no file.");

    public static async Task<(Sheet? Sheet, IResult? Refusal)> ReadSheetAsync(HttpRequest request, int maxRows, ILogger log, CancellationToken cancellationToken)
    {
        var type = request.ContentType?.Split(';')[0].Trim() ?? "";
        byte[] content;
        if (request.HasFormContentType && type.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase))
        {
            IFormCollection form;
            try
            {
                form = await request.ReadFormAsync(cancellationToken);
            }
            catch (InvalidDataException)
            {
                return (null, Refuse(request, log, StatusCodes.Status400BadRequest, "unreadable form", new UserText("表单无法读取。", "The form cannot be read.")));
            }

            if (form.Files.Count == 0 || form.Files[0] is not { } file)
            {
                return (null, Refuse(request, log, StatusCodes.Status400BadRequest, "no file", NoFile));
            }

            await using var stream = file.OpenReadStream();
            content = await ReadAllAsync(stream, cancellationToken);
        }
        else if (TableTypes.Contains(type, StringComparer.OrdinalIgnoreCase))
        {
            content = await ReadAllAsync(request.Body, cancellationToken);
        }
        else
        {
            return (null, Refuse(request, log, StatusCodes.Status415UnsupportedMediaType, "media type", WrongType));
        }

        var (sheet, problem) = Sheets.Read(content, maxRows);
        return sheet is null
            ? (null, Refuse(request, log, StatusCodes.Status400BadRequest, "not a readable table", problem!))
            : (sheet, null);
    }

    private static async Task<byte[]> ReadAllAsync(Stream stream, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        await stream.CopyToAsync(buffer, cancellationToken);
        return buffer.ToArray();
    }

    private static Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult Refuse(HttpRequest request, ILogger log, int status, string reason, UserText detail)
    {
        LogRefused(log, status, request.Path, reason);
        return TypedResults.Problem(detail.In(request.HttpContext), statusCode: status);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused an upload to {Path} with {Status}: {Reason}")]
    private static partial void LogRefused(ILogger logger, int status, string path, string reason);
}
