using System.Net;
using System.Net.Http.Json;
using ClusterDashboard.Api;

namespace ClusterDashboard.Tests;

internal static class LeaderProbe
{
    /// <summary>GET /leader: the leader, or null while the node answers 503.</summary>
    public static async Task<LeaderResponse?> GetLeaderAsync(this HttpClient http, CancellationToken cancellationToken = default)
    {
        using var response = await http.GetAsync(new Uri("/leader", UriKind.Relative), cancellationToken);
        if (response.StatusCode == HttpStatusCode.ServiceUnavailable)
        {
            return null;
        }

        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<LeaderResponse>(cancellationToken);
    }
}
