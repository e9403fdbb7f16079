using ClusterDashboard.Coordination.Security;
using ClusterDashboard.ZooKeeper;
using Microsoft.Extensions.Options;

namespace ClusterDashboard.Configuration;

internal sealed class ZooKeeperOptionsValidator : IValidateOptions<ZooKeeperOptions>
{
    private static readonly TimeSpan MinTimeout = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan MaxTimeout = TimeSpan.FromSeconds(60);

    public ValidateOptionsResult Validate(string? name, ZooKeeperOptions options)
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(options.ConnectString))
        {
            errors.Add("ZooKeeper:ConnectString is required: host:port[,host:port][/chroot], e.g. 127.0.0.1:2181.");
        }
        else
        {
            try
            {
                ConnectString.Parse(options.ConnectString);
            }
            catch (ArgumentException e)
            {
                errors.Add($"ZooKeeper:ConnectString is invalid: {e.Message}");
            }
        }

        if (options.SessionTimeout < MinTimeout || options.SessionTimeout > MaxTimeout)
        {
            errors.Add($"ZooKeeper:SessionTimeout must be between {MinTimeout} and {MaxTimeout}; it is {options.SessionTimeout}.");
        }

        // The message says what is wrong with the setting, never what it holds: it is a password.
        if (!string.IsNullOrEmpty(options.Auth) && !ClusterCredentials.TryParse(options.Auth, out _, out var problem))
        {
            errors.Add($"ZooKeeper:Auth {problem}.");
        }

        errors.AddRange(ZooKeeperTlsLoader.Problems(options.Tls));
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
