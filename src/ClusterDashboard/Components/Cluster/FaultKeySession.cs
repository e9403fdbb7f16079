using System.Security.Cryptography;
using ClusterDashboard.Cluster;
using ClusterDashboard.Coordination;
using ClusterDashboard.Coordination.Faults;
using Microsoft.AspNetCore.Components.Server.ProtectedBrowserStorage;
using MudBlazor;

namespace ClusterDashboard.Components.Cluster;

/// <summary>
/// The fault-injection key of one browser session: asked for once, when a fault button first needs it (the target
/// has a key: this node's own Faults:ApiKey, or another node that publishes that it wants one), the same rule the
/// REST API applies, and kept in the tab's session storage, encrypted with the app's data protection keys. A key the
/// target refuses is forgotten, so the next click asks again.
/// </summary>
public sealed class FaultKeySession(ProtectedSessionStorage storage, IFaultCommander commander, IDialogService dialogs, ClusterEventFeed feed)
{
    private const string StorageKey = "fault-api-key";

    private string? _key;
    private bool _loaded;

    /// <summary>The key to send with an order for <paramref name="target"/>: null when none is needed;
    /// <c>Ok</c> is false when the operator closed the prompt.</summary>
    public async Task<(bool Ok, string? Key)> KeyForAsync(MemberInfo target)
    {
        ArgumentNullException.ThrowIfNull(target);
        var isSelf = target.NodeId == feed.Local.NodeId;
        if (!(isSelf ? commander.RequiresKey : target.Faults?.RequiresKey == true))
        {
            return (true, null);
        }

        if (!_loaded)
        {
            _loaded = true;
            try
            {
                var stored = await storage.GetAsync<string>(StorageKey);
                _key = stored.Success ? stored.Value : null;
            }
            catch (CryptographicException)
            {
                // Stored under data protection keys this process no longer has (it restarted): ask again.
                await storage.DeleteAsync(StorageKey);
            }
        }

        if (_key is not null)
        {
            return (true, _key);
        }

        var dialog = await dialogs.ShowAsync<ApiKeyDialog>(
            "API key",
            new DialogParameters<ApiKeyDialog> { { d => d.Target, target.NodeId }, { d => d.CheckHere, isSelf } },
            new DialogOptions { CloseOnEscapeKey = true, MaxWidth = MaxWidth.ExtraSmall, FullWidth = true });
        if (await dialog.Result is not { Canceled: false, Data: string key })
        {
            return (false, null);
        }

        _key = key;
        await storage.SetAsync(StorageKey, key);
        return (true, key);
    }

    public async Task ForgetAsync()
    {
        _key = null;
        await storage.DeleteAsync(StorageKey);
    }
}
