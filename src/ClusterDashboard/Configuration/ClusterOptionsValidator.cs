using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace ClusterDashboard.Configuration;

internal sealed partial class ClusterOptionsValidator : IValidateOptions<ClusterOptions>
{
    public ValidateOptionsResult Validate(string? name, ClusterOptions options)
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(options.NodeId))
        {
            errors.Add("Cluster:NodeId is required, e.g. node-1.");
        }
        else if (!NodeIdPattern().IsMatch(options.NodeId))
        {
            // The id becomes a znode name, so only characters safe there are allowed.
            errors.Add($"Cluster:NodeId '{options.NodeId}' may contain only letters, digits, '-' and '_' (at most 64).");
        }

        if (!Uri.TryCreate(options.AdvertisedUrl, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
        {
            errors.Add($"Cluster:AdvertisedUrl must be an absolute http or https URL, e.g. http://127.0.0.1:5001; it is '{options.AdvertisedUrl}'.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    [GeneratedRegex("^[A-Za-z0-9_-]{1,64}$")]
    private static partial Regex NodeIdPattern();
}
