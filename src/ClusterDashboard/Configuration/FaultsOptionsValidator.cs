using ClusterDashboard.Coordination.Faults;
using Microsoft.Extensions.Options;

namespace ClusterDashboard.Configuration;

internal sealed class FaultsOptionsValidator : IValidateOptions<FaultsOptions>
{
    public ValidateOptionsResult Validate(string? name, FaultsOptions options)
    {
        var errors = new List<string>();
        if (options.MaxDurationSeconds < 1 || options.MaxDurationSeconds > FaultPolicy.LongestFaultSeconds)
        {
            errors.Add($"Faults:MaxDurationSeconds must be between 1 and {FaultPolicy.LongestFaultSeconds}; it is {options.MaxDurationSeconds}.");
        }

        if (options.MaxCommandAgeSeconds is < 1 or > 300)
        {
            errors.Add($"Faults:MaxCommandAgeSeconds must be between 1 and 300; it is {options.MaxCommandAgeSeconds}.");
        }

        // Said without the key itself.
        if (options.ApiKey is { Length: > 0 and < 16 })
        {
            errors.Add("Faults:ApiKey must be at least 16 characters long (a random one: it is all that stands between an HTTP client and this node's fault injection).");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
