namespace ClusterDashboard.Security;

/// <summary>
/// Answers a too long URL (414) or too many header bytes (431) as problem+json, like every other error of the API,
/// with a detail that says the limit. Kestrel's own limits are raised above these (<see cref="SecurityExtensions"/>);
/// what goes past those too, or is not HTTP at all, Kestrel answers itself (<see cref="KestrelRejections"/>).
/// </summary>
internal sealed class RequestLimitsMiddleware(RequestDelegate next, IProblemDetailsService problems)
{
    public const int MaxUrlBytes = 8 * 1024;
    public const int MaxHeaderBytes = 32 * 1024;

    public async Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        var urlLength = request.Path.Value?.Length + request.PathBase.Value?.Length + request.QueryString.Value?.Length ?? 0;
        if (urlLength > MaxUrlBytes)
        {
            await RefuseAsync(context, StatusCodes.Status414UriTooLong, "URL too long", $"URLs of this API are at most {MaxUrlBytes} bytes.");
            return;
        }

        var headerBytes = 0L;
        foreach (var (name, values) in request.Headers)
        {
            headerBytes += name.Length + values.Sum(v => v?.Length ?? 0);
        }

        if (headerBytes > MaxHeaderBytes)
        {
            await RefuseAsync(context, StatusCodes.Status431RequestHeaderFieldsTooLarge, "Headers too large", $"A request's headers are at most {MaxHeaderBytes} bytes.");
            return;
        }

        await next(context);
    }

    private Task RefuseAsync(HttpContext context, int status, string title, string detail)
    {
        context.Response.StatusCode = status;
        return problems.WriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = { Status = status, Title = title, Detail = detail } }).AsTask();
    }
}
