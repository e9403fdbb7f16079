using ClusterDashboard.Coordination;
using Microsoft.Extensions.Options;

namespace ClusterDashboard.Configuration;

internal sealed class ClusterOptionsValidator : IValidateOptions<ClusterOptions>
{
    public ValidateOptionsResult Validate(string? name, ClusterOptions options)
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(options.NodeId))
        {
            errors.Add("Cluster:NodeId is required, e.g. node-1.");
        }
        else if (!NodeIds.IsValid(options.NodeId))
        {
            // The id becomes a znode name, so only characters safe there are allowed.
            errors.Add($"Cluster:NodeId '{options.NodeId}' may contain only letters, digits, '-' and '_' (at most 64).");
        }

        if (!NodeUrls.IsValid(options.AdvertisedUrl))
        {
            errors.Add($"Cluster:AdvertisedUrl must be an absolute http or https URL, e.g. http://127.0.0.1:5001; it is '{options.AdvertisedUrl}'.");
        }

        foreach (var origin in options.AllowedOrigins)
        {
            if (!NodeUrls.IsValid(origin) || new Uri(origin).PathAndQuery != "/")
            {
                errors.Add($"Cluster:AllowedOrigins holds '{origin}', which is not an origin such as https://ops.example.com (scheme, host and port only).");
            }
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
