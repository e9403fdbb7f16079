namespace ClusterDashboard.ZooKeeper.Protocol;

/// <summary>multi's framing: each op behind a MultiHeader {type, done, err}, closed by {-1, true, -1}.</summary>
internal static class MultiCodec
{
    public static byte[] Encode(IReadOnlyList<Operation> operations, Func<string, string> toServerPath) =>
        RequestBody.Encode((operations, toServerPath), static (w, s) =>
        {
            foreach (var operation in s.operations)
            {
                var path = s.toServerPath(operation.Path);
                switch (operation)
                {
                    case CreateOperation c:
                        WriteHeader(w, c.Mode == CreateMode.Container ? OpCode.CreateContainer : OpCode.Create2);
                        w.WriteString(path);
                        w.WriteNullableBuffer(c.Data);
                        w.WriteAcls(c.Acl);
                        w.WriteInt((int)c.Mode);
                        break;
                    case DeleteOperation d:
                        WriteHeader(w, OpCode.Delete);
                        w.WriteString(path);
                        w.WriteInt(d.Version);
                        break;
                    case SetDataOperation sd:
                        WriteHeader(w, OpCode.SetData);
                        w.WriteString(path);
                        w.WriteNullableBuffer(sd.Data);
                        w.WriteInt(sd.Version);
                        break;
                    case CheckOperation ch:
                        WriteHeader(w, OpCode.Check);
                        w.WriteString(path);
                        w.WriteInt(ch.Version);
                        break;
                    default:
                        throw new ArgumentException($"Unsupported multi operation {operation.GetType().Name}.");
                }
            }

            w.WriteInt(-1);
            w.WriteBool(true);
            w.WriteInt(-1);
        });

    // Results are parsed by the type in each header, not by the request: create2 inside multi answers as create.
    public static List<OperationResult> Decode(ref JuteReader reader, Func<string, string> toClientPath)
    {
        var results = new List<OperationResult>();
        while (true)
        {
            var type = (OpCode)reader.ReadInt();
            var done = reader.ReadBool();
            _ = reader.ReadInt(); // the header's err repeats what the result record says
            if (done)
            {
                return results;
            }

            results.Add(type switch
            {
                OpCode.Create => new CreateOperationResult(toClientPath(reader.ReadRequiredString("created path")), null),
                OpCode.Create2 => new CreateOperationResult(toClientPath(reader.ReadRequiredString("created path")), reader.ReadStat()),
                OpCode.Delete => new DeleteOperationResult(),
                OpCode.SetData => new SetDataOperationResult(reader.ReadStat()),
                OpCode.Check => new CheckOperationResult(),
                OpCode.Error => new ErrorOperationResult { Error = (ZooKeeperErrorCode)reader.ReadInt() },
                _ => throw new ZooKeeperProtocolException($"unexpected multi result type {(int)type}"),
            });
        }
    }

    public static byte[] EncodeReads(IReadOnlyList<ReadOperation> operations, Func<string, string> toServerPath) =>
        RequestBody.Encode((operations, toServerPath), static (w, s) =>
        {
            foreach (var operation in s.operations)
            {
                WriteHeader(w, operation is GetDataOperation ? OpCode.GetData : OpCode.GetChildren);
                w.WriteString(s.toServerPath(operation.Path));
                w.WriteBool(false);
            }

            w.WriteInt(-1);
            w.WriteBool(true);
            w.WriteInt(-1);
        });

    public static List<ReadOperationResult> DecodeReads(ref JuteReader reader)
    {
        var results = new List<ReadOperationResult>();
        while (true)
        {
            var type = (OpCode)reader.ReadInt();
            var done = reader.ReadBool();
            _ = reader.ReadInt();
            if (done)
            {
                return results;
            }

            results.Add(type switch
            {
                OpCode.GetData => new DataReadResult(new NodeData(reader.ReadBuffer() ?? [], reader.ReadStat())),
                OpCode.GetChildren => new ChildrenReadResult(reader.ReadStrings()),
                OpCode.Error => new ErrorReadResult { Error = (ZooKeeperErrorCode)reader.ReadInt() },
                _ => throw new ZooKeeperProtocolException($"unexpected multiRead result type {(int)type}"),
            });
        }
    }

    private static void WriteHeader(JuteWriter w, OpCode type)
    {
        w.WriteInt((int)type);
        w.WriteBool(false);
        w.WriteInt(-1);
    }
}
