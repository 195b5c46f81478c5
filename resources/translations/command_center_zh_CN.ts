<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="zh_CN">
<context>
    <name>Actions</name>
    <message>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <source>&amp;Cases</source>
        <translation>案件(&amp;C)</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <source>Case queue</source>
        <translation>案件队列</translation>
    </message>
    <message>
        <source>Squad board</source>
        <translation>中队看板</translation>
    </message>
    <message>
        <source>Camera wall</source>
        <translation>视频墙</translation>
    </message>
    <message>
        <source>Layers</source>
        <translation>图层</translation>
    </message>
    <message>
        <source>Details</source>
        <translation>详情</translation>
    </message>
    <message>
        <source>Fit map to city</source>
        <translation>地图缩放至全市</translation>
    </message>
    <message>
        <source>Export map view as &amp;PNG…</source>
        <translation>导出地图视图为 PNG(&amp;P)…</translation>
    </message>
    <message>
        <source>Export map as &amp;HTML…</source>
        <translation>导出交互式地图 HTML(&amp;H)…</translation>
    </message>
    <message>
        <source>Full screen</source>
        <translation>全屏</translation>
    </message>
    <message>
        <source>&amp;Refresh</source>
        <translation>刷新(&amp;R)</translation>
    </message>
    <message>
        <source>&amp;Audit trail…</source>
        <translation>审计日志(&amp;A)…</translation>
    </message>
    <message>
        <source>&amp;About</source>
        <translation>关于(&amp;A)</translation>
    </message>
</context>
<context>
    <name>AuditDialog</name>
    <message>
        <source>Audit trail</source>
        <translation>审计日志</translation>
    </message>
    <message>
        <source>Any role</source>
        <translation>任意角色</translation>
    </message>
    <message>
        <source>Any step</source>
        <translation>任意环节</translation>
    </message>
    <message>
        <source>any</source>
        <translation>任意</translation>
    </message>
    <message>
        <source>case number or its beginning</source>
        <translation>案件编号或其开头</translation>
    </message>
    <message>
        <source>Period</source>
        <translation>时段</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>角色</translation>
    </message>
    <message>
        <source>Step</source>
        <translation>环节</translation>
    </message>
    <message>
        <source>Workstation</source>
        <translation>工作站</translation>
    </message>
    <message>
        <source>Case no.</source>
        <translation>案件编号</translation>
    </message>
    <message>
        <source>Search</source>
        <translation>查询</translation>
    </message>
    <message>
        <source>More</source>
        <translation>更多</translation>
    </message>
    <message>
        <source>Export CSV…</source>
        <translation>导出 CSV…</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>正在加载…</translation>
    </message>
    <message>
        <source>{n} steps shown</source>
        <translation>显示 {n} 条记录</translation>
    </message>
    <message>
        <source>Export audit trail</source>
        <translation>导出审计日志</translation>
    </message>
    <message>
        <source>CSV files (*.csv)</source>
        <translation>CSV 文件 (*.csv)</translation>
    </message>
    <message>
        <source>Exporting…</source>
        <translation>正在导出…</translation>
    </message>
    <message>
        <source>{n} steps written to {path}</source>
        <translation>已将 {n} 条记录写入 {path}</translation>
    </message>
    <message>
        <source>Failed: {error}</source>
        <translation>失败：{error}</translation>
    </message>
</context>
<context>
    <name>AuditModel</name>
    <message>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <source>Case no.</source>
        <translation>案件编号</translation>
    </message>
    <message>
        <source>Step</source>
        <translation>环节</translation>
    </message>
    <message>
        <source>From</source>
        <translation>原状态</translation>
    </message>
    <message>
        <source>To</source>
        <translation>新状态</translation>
    </message>
    <message>
        <source>Who</source>
        <translation>操作人</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>角色</translation>
    </message>
    <message>
        <source>Workstation</source>
        <translation>工作站</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>意见</translation>
    </message>
</context>
<context>
    <name>CameraTile</name>
    <message>
        <source>No camera</source>
        <translation>无摄像头</translation>
    </message>
    <message>
        <source>No signal · video not connected yet</source>
        <translation>无信号 · 视频未接入</translation>
    </message>
    <message>
        <source>Camera disabled</source>
        <translation>摄像头已停用</translation>
    </message>
</context>
<context>
    <name>CameraWall</name>
    <message>
        <source>Cameras: {total} ({enabled} enabled)</source>
        <translation>摄像头 {total} 路（启用 {enabled} 路）</translation>
    </message>
</context>
<context>
    <name>CaseQueueModel</name>
    <message>
        <source>Case no.</source>
        <translation>案卷号</translation>
    </message>
    <message>
        <source>Category</source>
        <translation>类别</translation>
    </message>
    <message>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>District</source>
        <translation>区</translation>
    </message>
    <message>
        <source>Squad</source>
        <translation>处置中队</translation>
    </message>
    <message>
        <source>Deadline</source>
        <translation>时限</translation>
    </message>
</context>
<context>
    <name>CaseState</name>
    <message>
        <source>Reported</source>
        <translation>上报</translation>
    </message>
    <message>
        <source>Registered</source>
        <translation>立案</translation>
    </message>
    <message>
        <source>Not registered</source>
        <translation>不予立案</translation>
    </message>
    <message>
        <source>Dispatched</source>
        <translation>已派遣</translation>
    </message>
    <message>
        <source>In progress</source>
        <translation>处置中</translation>
    </message>
    <message>
        <source>Handled</source>
        <translation>已反馈</translation>
    </message>
    <message>
        <source>Rework</source>
        <translation>返工</translation>
    </message>
    <message>
        <source>Extension requested</source>
        <translation>延期申请</translation>
    </message>
    <message>
        <source>Suspended</source>
        <translation>挂账</translation>
    </message>
    <message>
        <source>Verified</source>
        <translation>核查通过</translation>
    </message>
    <message>
        <source>Closed</source>
        <translation>结案</translation>
    </message>
    <message>
        <source>Transferred</source>
        <translation>已移送</translation>
    </message>
</context>
<context>
    <name>ErrorBridge</name>
    <message>
        <source>Error: {0}</source>
        <translation>错误：{0}</translation>
    </message>
</context>
<context>
    <name>FeatureDetailsPanel</name>
    <message>
        <source>{d} d {h} h</source>
        <translation>{d} 天 {h} 小时</translation>
    </message>
    <message>
        <source>{h} h {m} min</source>
        <translation>{h} 小时 {m} 分</translation>
    </message>
    <message>
        <source>{m} min</source>
        <translation>{m} 分钟</translation>
    </message>
    <message>
        <source>No deadline</source>
        <translation>无处置时限</translation>
    </message>
    <message>
        <source>Clock paused ({span} left)</source>
        <translation>计时暂停（剩余 {span}）</translation>
    </message>
    <message>
        <source>Overdue</source>
        <translation>已超时</translation>
    </message>
    <message>
        <source>Overdue by {span}</source>
        <translation>已超时 {span}</translation>
    </message>
    <message>
        <source>{span} left</source>
        <translation>剩余 {span}</translation>
    </message>
    <message>
        <source>Urgent</source>
        <translation>紧急</translation>
    </message>
    <message>
        <source>Case no.</source>
        <translation>案件编号</translation>
    </message>
    <message>
        <source>Category</source>
        <translation>案件类别</translation>
    </message>
    <message>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>地址</translation>
    </message>
    <message>
        <source>District</source>
        <translation>所属城区</translation>
    </message>
    <message>
        <source>Reported at</source>
        <translation>上报时间</translation>
    </message>
    <message>
        <source>Deadline</source>
        <translation>处置时限</translation>
    </message>
    <message>
        <source>Remaining</source>
        <translation>剩余时间</translation>
    </message>
    <message>
        <source>Squad</source>
        <translation>处置中队</translation>
    </message>
    <message>
        <source>Not dispatched</source>
        <translation>未派遣</translation>
    </message>
    <message>
        <source>Position</source>
        <translation>坐标</translation>
    </message>
    <message>
        <source>Enabled</source>
        <translation>启用</translation>
    </message>
    <message>
        <source>Disabled</source>
        <translation>停用</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>Code</source>
        <translation>编码</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Stream URL</source>
        <translation>视频流地址</translation>
    </message>
    <message>
        <source>Camera disabled</source>
        <translation>摄像头已停用</translation>
    </message>
    <message>
        <source>No position reported</source>
        <translation>未上报位置</translation>
    </message>
    <message>
        <source>Unit</source>
        <translation>所属单位</translation>
    </message>
    <message>
        <source>Open cases</source>
        <translation>在办案件</translation>
    </message>
    <message>
        <source>Street code</source>
        <translation>街道编码</translation>
    </message>
    <message>
        <source>Community code</source>
        <translation>社区编码</translation>
    </message>
    <message>
        <source>Grid number</source>
        <translation>网格序号</translation>
    </message>
    <message>
        <source>Click a case, camera, squad or grid on the map, or search for one.</source>
        <translation>在地图上点击案件、摄像头、中队或网格，或通过搜索查找。</translation>
    </message>
    <message>
        <source>Open in queue</source>
        <translation>在案件队列中打开</translation>
    </message>
    <message>
        <source>Open on wall</source>
        <translation>上墙显示</translation>
    </message>
    <message>
        <source>Fly to</source>
        <translation>定位</translation>
    </message>
</context>
<context>
    <name>KpiStrip</name>
    <message>
        <source>Open</source>
        <translation>在办</translation>
    </message>
    <message>
        <source>Overdue</source>
        <translation>超期</translation>
    </message>
    <message>
        <source>Awaiting registration</source>
        <translation>待立案</translation>
    </message>
    <message>
        <source>Awaiting dispatch</source>
        <translation>待派遣</translation>
    </message>
    <message>
        <source>Being handled</source>
        <translation>处置中</translation>
    </message>
    <message>
        <source>Awaiting check</source>
        <translation>待核查</translation>
    </message>
    <message>
        <source>Paused</source>
        <translation>挂账/延期</translation>
    </message>
</context>
<context>
    <name>LayerDockWidget</name>
    <message>
        <source>Raise the layer (draw it above the next one)</source>
        <translation>上移图层（绘制在上一层之上）</translation>
    </message>
    <message>
        <source>Lower the layer (draw it below the next one)</source>
        <translation>下移图层（绘制在下一层之下）</translation>
    </message>
    <message>
        <source>Opacity</source>
        <translation>不透明度</translation>
    </message>
    <message>
        <source>Legend</source>
        <translation>图例</translation>
    </message>
    <message>
        <source>Background tiles</source>
        <translation>底图瓦片</translation>
    </message>
    <message>
        <source>None — vector map only</source>
        <translation>无 — 仅矢量地图</translation>
    </message>
</context>
<context>
    <name>LayerLegend</name>
    <message>
        <source>On time</source>
        <translation>正常</translation>
    </message>
    <message>
        <source>Due soon</source>
        <translation>即将超期</translation>
    </message>
    <message>
        <source>Overdue</source>
        <translation>超期</translation>
    </message>
    <message>
        <source>Paused</source>
        <translation>暂停计时</translation>
    </message>
    <message>
        <source>No deadline yet</source>
        <translation>尚无时限</translation>
    </message>
    <message>
        <source>Component (部件)</source>
        <translation>部件</translation>
    </message>
    <message>
        <source>Event: %1</source>
        <translation>事件：%1</translation>
    </message>
    <message>
        <source>Route of the last 30 minutes</source>
        <translation>近30分钟轨迹</translation>
    </message>
    <message>
        <source>Grid outline</source>
        <translation>网格边线</translation>
    </message>
    <message>
        <source>Camera enabled</source>
        <translation>摄像头启用</translation>
    </message>
    <message>
        <source>Camera disabled</source>
        <translation>摄像头停用</translation>
    </message>
    <message>
        <source>Tile source: {source}</source>
        <translation>瓦片来源：{source}</translation>
    </message>
    <message>
        <source>No tiles: the vector map alone</source>
        <translation>无瓦片：仅矢量地图</translation>
    </message>
    <message>
        <source>Low</source>
        <translation>低</translation>
    </message>
    <message>
        <source>High</source>
        <translation>高</translation>
    </message>
    <message>
        <source>No values loaded: outlines only</source>
        <translation>未加载数值：仅显示边线</translation>
    </message>
</context>
<context>
    <name>LayerListModel</name>
    <message>
        <source>Background tiles</source>
        <translation>底图瓦片</translation>
    </message>
    <message>
        <source>District boundaries</source>
        <translation>区界</translation>
    </message>
    <message>
        <source>Rivers</source>
        <translation>河流</translation>
    </message>
    <message>
        <source>Unit grids</source>
        <translation>单元网格</translation>
    </message>
    <message>
        <source>Responsibility grids</source>
        <translation>责任网格</translation>
    </message>
    <message>
        <source>Case heat map</source>
        <translation>案件热力图</translation>
    </message>
    <message>
        <source>Cameras</source>
        <translation>摄像头</translation>
    </message>
    <message>
        <source>Open cases</source>
        <translation>在办案件</translation>
    </message>
    <message>
        <source>Squads</source>
        <translation>执法中队</translation>
    </message>
    <message>
        <source>{layer} · opacity {percent}%</source>
        <translation>{layer} · 不透明度 {percent}%</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Smart Urban Management Command Center — Chaoyang City</source>
        <translation>智慧城管指挥中心 — 朝阳市</translation>
    </message>
    <message>
        <source>Case queue</source>
        <translation>案件队列</translation>
    </message>
    <message>
        <source>Squad board</source>
        <translation>中队看板</translation>
    </message>
    <message>
        <source>Camera wall</source>
        <translation>视频墙</translation>
    </message>
    <message>
        <source>Layers</source>
        <translation>图层</translation>
    </message>
    <message>
        <source>Details</source>
        <translation>详情</translation>
    </message>
    <message>
        <source>No data yet</source>
        <translation>尚无数据</translation>
    </message>
    <message>
        <source>Updated {time}</source>
        <translation>更新于 {time}</translation>
    </message>
    <message>
        <source>Database: {label}</source>
        <translation>数据库：{label}</translation>
    </message>
    <message>
        <source>Open {n}</source>
        <translation>在办 {n}</translation>
    </message>
    <message>
        <source>Overdue {n}</source>
        <translation>超期 {n}</translation>
    </message>
    <message>
        <source>Open cases</source>
        <translation>在办案件</translation>
    </message>
    <message>
        <source>Overdue</source>
        <translation>超期</translation>
    </message>
    <message>
        <source>Report a case at {lon:.6f}, {lat:.6f}</source>
        <translation>在 {lon:.6f}, {lat:.6f} 上报案件</translation>
    </message>
    <message>
        <source>Nearest cameras</source>
        <translation>最近的摄像头</translation>
    </message>
    <message>
        <source>Nearest squads</source>
        <translation>最近的中队</translation>
    </message>
    <message>
        <source>Selected: {cases} cases, {cameras} cameras, {squads} squads</source>
        <translation>已选择：案件 {cases} 件，摄像头 {cameras} 个，中队 {squads} 个</translation>
    </message>
    <message>
        <source>Export map view</source>
        <translation>导出地图视图</translation>
    </message>
    <message>
        <source>PNG images (*.png)</source>
        <translation>PNG 图片 (*.png)</translation>
    </message>
    <message>
        <source>Map saved to {path}</source>
        <translation>地图已保存到 {path}</translation>
    </message>
    <message>
        <source>Export interactive map</source>
        <translation>导出交互式地图</translation>
    </message>
    <message>
        <source>Web pages (*.html)</source>
        <translation>网页 (*.html)</translation>
    </message>
    <message>
        <source>Could not export the map: {error}</source>
        <translation>无法导出地图：{error}</translation>
    </message>
    <message>
        <source>About</source>
        <translation>关于</translation>
    </message>
    <message>
        <source>Smart Urban Management Command Center {version}
Chaoyang City Urban Management Bureau</source>
        <translation>智慧城管指挥中心 {version}
朝阳市城市管理综合行政执法局</translation>
    </message>
</context>
<context>
    <name>MapCanvas</name>
    <message>
        <source>Distance: %1</source>
        <translation>距离：%1</translation>
    </message>
    <message>
        <source>Report a case here</source>
        <translation>在此上报案件</translation>
    </message>
    <message>
        <source>Nearest cameras</source>
        <translation>最近的摄像头</translation>
    </message>
    <message>
        <source>Nearest squads</source>
        <translation>最近的中队</translation>
    </message>
    <message>
        <source>Stop measuring</source>
        <translation>停止测距</translation>
    </message>
    <message>
        <source>Measure distance</source>
        <translation>测量距离</translation>
    </message>
</context>
<context>
    <name>MapSearchBox</name>
    <message>
        <source>Search case no., grid code, camera, squad, district…</source>
        <translation>搜索案件编号、网格编码、摄像头、中队、城区…</translation>
    </message>
    <message>
        <source>Enter picks the first hit, Down/Up choose another, Esc clears</source>
        <translation>回车选择第一项，↑/↓ 选择其他项，Esc 清空</translation>
    </message>
    <message>
        <source>No match</source>
        <translation>无匹配结果</translation>
    </message>
</context>
<context>
    <name>OverviewMap</name>
    <message>
        <source>Overview: click or drag to move the map</source>
        <translation>鹰眼图：点击或拖动以移动地图</translation>
    </message>
</context>
<context>
    <name>Roles</name>
    <message>
        <source>Inspector</source>
        <translation>监督员</translation>
    </message>
    <message>
        <source>Intake clerk</source>
        <translation>受理员</translation>
    </message>
    <message>
        <source>Shift chief</source>
        <translation>值班长</translation>
    </message>
    <message>
        <source>Dispatcher</source>
        <translation>派遣员</translation>
    </message>
    <message>
        <source>Handling squad</source>
        <translation>处置单位</translation>
    </message>
    <message>
        <source>Supervisor</source>
        <translation>督查员</translation>
    </message>
    <message>
        <source>Administrator</source>
        <translation>系统管理员</translation>
    </message>
    <message>
        <source>Viewer (read only)</source>
        <translation>只读查看</translation>
    </message>
</context>
<context>
    <name>SearchKind</name>
    <message>
        <source>Case</source>
        <translation>案件</translation>
    </message>
    <message>
        <source>Unit grid</source>
        <translation>单元网格</translation>
    </message>
    <message>
        <source>Responsibility grid</source>
        <translation>责任网格</translation>
    </message>
    <message>
        <source>Camera</source>
        <translation>摄像头</translation>
    </message>
    <message>
        <source>Squad</source>
        <translation>中队</translation>
    </message>
    <message>
        <source>District</source>
        <translation>城区</translation>
    </message>
</context>
<context>
    <name>SignInDialog</name>
    <message>
        <source>Sign in — Smart Urban Management Command Center</source>
        <translation>登录 — 智慧城管指挥中心</translation>
    </message>
    <message>
        <source>User name</source>
        <translation>用户名</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>密码</translation>
    </message>
    <message>
        <source>Sign in</source>
        <translation>登录</translation>
    </message>
    <message>
        <source>User name:</source>
        <translation>用户名：</translation>
    </message>
    <message>
        <source>Password:</source>
        <translation>密码：</translation>
    </message>
    <message>
        <source>Demo users (password: {0}):</source>
        <translation>演示用户（密码：{0}）：</translation>
    </message>
    <message>
        <source>This account is disabled; ask an administrator.</source>
        <translation>该账号已停用，请联系管理员。</translation>
    </message>
    <message>
        <source>Wrong user name or password.</source>
        <translation>用户名或密码错误。</translation>
    </message>
    <message>
        <source>Could not sign in: {0}</source>
        <translation>无法登录：{0}</translation>
    </message>
</context>
<context>
    <name>SquadBoardModel</name>
    <message>
        <source>Squad</source>
        <translation>中队</translation>
    </message>
    <message>
        <source>Unit</source>
        <translation>所属</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Open cases</source>
        <translation>在办案件</translation>
    </message>
</context>
<context>
    <name>SquadStatus</name>
    <message>
        <source>On duty</source>
        <translation>在岗</translation>
    </message>
    <message>
        <source>Handling</source>
        <translation>处置中</translation>
    </message>
    <message>
        <source>Off duty</source>
        <translation>离岗</translation>
    </message>
</context>
<context>
    <name>run</name>
    <message>
        <source>Database connection lost ({0}); retrying…</source>
        <translation>数据库连接中断（{0}），正在重试…</translation>
    </message>
    <message>
        <source>Seeding the demo city of Chaoyang: {0} {1}%</source>
        <translation>正在生成朝阳市演示数据：{0} {1}%</translation>
    </message>
    <message>
        <source>Seeding the demo city of Chaoyang…</source>
        <translation>正在生成朝阳市演示数据…</translation>
    </message>
</context>
</TS>