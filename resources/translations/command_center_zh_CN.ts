<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
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
        <source>&amp;Import…</source>
        <translation>导入(&amp;I)…</translation>
    </message>
    <message>
        <source>E&amp;xport data…</source>
        <translation>导出数据(&amp;X)…</translation>
    </message>
    <message>
        <source>Full screen</source>
        <translation>全屏</translation>
    </message>
    <message>
        <source>Wall screen</source>
        <translation>大屏模式</translation>
    </message>
    <message>
        <source>KPIs and &amp;evaluation…</source>
        <translation>统计与考评(&amp;E)…</translation>
    </message>
    <message>
        <source>&amp;Judicial hand-over…</source>
        <translation>司法衔接(&amp;J)…</translation>
    </message>
    <message>
        <source>City &amp;registries…</source>
        <translation>城市台账(&amp;R)…</translation>
    </message>
    <message>
        <source>&amp;Refresh</source>
        <translation>刷新(&amp;R)</translation>
    </message>
    <message>
        <source>Switch &amp;user…</source>
        <translation>切换用户(&amp;U)…</translation>
    </message>
    <message>
        <source>Sign &amp;out</source>
        <translation>注销(&amp;O)</translation>
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
    <name>AnalysisWindow</name>
    <message>
        <source>KPIs, evaluation and plan targets</source>
        <translation>统计分析、综合评价与规划目标</translation>
    </message>
    <message>
        <source>KPI dashboard</source>
        <translation>统计分析</translation>
    </message>
    <message>
        <source>Monthly evaluation</source>
        <translation>月度综合评价</translation>
    </message>
    <message>
        <source>Plan targets</source>
        <translation>规划目标</translation>
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
    <name>CameraListModel</name>
    <message>
        <source>Camera</source>
        <translation>摄像头</translation>
    </message>
    <message>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Ungrouped</source>
        <translation>未分组</translation>
    </message>
    <message>
        <source>{shown} on wall</source>
        <translation>上墙 {shown} 路</translation>
    </message>
    <message>
        <source>Disabled</source>
        <translation>已停用</translation>
    </message>
    <message>
        <source>Maintenance</source>
        <translation>维护中</translation>
    </message>
    <message>
        <source>Retired</source>
        <translation>已报废</translation>
    </message>
    <message>
        <source>Off wall</source>
        <translation>未上墙</translation>
    </message>
    <message>
        <source>Live</source>
        <translation>直播</translation>
    </message>
    <message>
        <source>Connecting</source>
        <translation>连接中</translation>
    </message>
    <message>
        <source>Lost</source>
        <translation>已断开</translation>
    </message>
    <message>
        <source>On wall</source>
        <translation>已上墙</translation>
    </message>
</context>
<context>
    <name>CameraTile</name>
    <message>
        <source>No camera</source>
        <translation>无摄像头</translation>
    </message>
    <message>
        <source>Under maintenance</source>
        <translation>设备维护中</translation>
    </message>
    <message>
        <source>Camera retired</source>
        <translation>摄像头已报废</translation>
    </message>
    <message>
        <source>No video source</source>
        <translation>无视频源</translation>
    </message>
    <message>
        <source>Camera disabled</source>
        <translation>摄像头已停用</translation>
    </message>
</context>
<context>
    <name>CameraWall</name>
    <message>
        <source>Layout {name}</source>
        <translation>布局 {name}</translation>
    </message>
    <message>
        <source>Groups</source>
        <translation>分组</translation>
    </message>
    <message>
        <source>Fill the wall with a camera group</source>
        <translation>以一个摄像头分组铺满视频墙</translation>
    </message>
    <message>
        <source>Stop the tour</source>
        <translation>停止轮巡</translation>
    </message>
    <message>
        <source>Snapshot</source>
        <translation>截图</translation>
    </message>
    <message>
        <source>Save the selected tile&apos;s picture as evidence</source>
        <translation>将所选画面截图作为证据（F12）</translation>
    </message>
    <message>
        <source>Clip</source>
        <translation>录像</translation>
    </message>
    <message>
        <source>Record a clip of the selected tile</source>
        <translation>保存所选画面最近 30 秒录像作为证据（Shift+F12）</translation>
    </message>
    <message>
        <source>Zones</source>
        <translation>侦测区域</translation>
    </message>
    <message>
        <source>Draw the selected camera&apos;s motion zones</source>
        <translation>绘制所选摄像头的侦测区域（Ctrl+Shift+Z）</translation>
    </message>
    <message>
        <source>Cameras: {total} ({enabled} enabled)</source>
        <translation>摄像头 {total} 路（启用 {enabled} 路）</translation>
    </message>
    <message>
        <source>No camera groups</source>
        <translation>没有摄像头分组</translation>
    </message>
    <message>
        <source>Tour: {name} (every {s} s)</source>
        <translation>轮巡：{name}（每 {s} 秒）</translation>
    </message>
    <message>
        <source>Tour: page {page}/{pages}</source>
        <translation>轮巡：第 {page}/{pages} 页</translation>
    </message>
</context>
<context>
    <name>CaseAction</name>
    <message>
        <source>Report</source>
        <translation>上报</translation>
    </message>
    <message>
        <source>Register</source>
        <translation>立案</translation>
    </message>
    <message>
        <source>Reject</source>
        <translation>不予立案</translation>
    </message>
    <message>
        <source>Dispatch</source>
        <translation>派遣</translation>
    </message>
    <message>
        <source>Accept</source>
        <translation>接收</translation>
    </message>
    <message>
        <source>Decline dispatch</source>
        <translation>退回</translation>
    </message>
    <message>
        <source>Report handled</source>
        <translation>处置反馈</translation>
    </message>
    <message>
        <source>Verify</source>
        <translation>核查通过</translation>
    </message>
    <message>
        <source>Return for rework</source>
        <translation>返工</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>结案</translation>
    </message>
    <message>
        <source>Request extension</source>
        <translation>申请延期</translation>
    </message>
    <message>
        <source>Grant extension</source>
        <translation>批准延期</translation>
    </message>
    <message>
        <source>Deny extension</source>
        <translation>驳回延期</translation>
    </message>
    <message>
        <source>Suspend</source>
        <translation>挂账</translation>
    </message>
    <message>
        <source>Resume</source>
        <translation>解除挂账</translation>
    </message>
    <message>
        <source>Transfer to another unit</source>
        <translation>转派</translation>
    </message>
    <message>
        <source>Transfer to judicial body</source>
        <translation>移送司法机关</translation>
    </message>
</context>
<context>
    <name>CaseDetailPanel</name>
    <message>
        <source>Component</source>
        <translation>部件</translation>
    </message>
    <message>
        <source>Event</source>
        <translation>事件</translation>
    </message>
    <message>
        <source>working hours</source>
        <translation>工作时</translation>
    </message>
    <message>
        <source>working days</source>
        <translation>工作日</translation>
    </message>
    <message>
        <source>hours</source>
        <translation>小时</translation>
    </message>
    <message>
        <source>days</source>
        <translation>自然日</translation>
    </message>
    <message>
        <source>Police</source>
        <translation>公安机关</translation>
    </message>
    <message>
        <source>Procuratorate</source>
        <translation>检察机关</translation>
    </message>
    <message>
        <source>Court</source>
        <translation>人民法院</translation>
    </message>
    <message>
        <source>On time</source>
        <translation>正常</translation>
    </message>
    <message>
        <source>Due soon</source>
        <translation>即将超时</translation>
    </message>
    <message>
        <source>Overdue</source>
        <translation>已超时</translation>
    </message>
    <message>
        <source>Clock paused</source>
        <translation>计时暂停</translation>
    </message>
    <message>
        <source>Clock not running</source>
        <translation>未计时</translation>
    </message>
    <message>
        <source>Select a case to see its details.</source>
        <translation>选择一个案卷以查看详情。</translation>
    </message>
    <message>
        <source>Urgent</source>
        <translation>紧急</translation>
    </message>
    <message>
        <source>{span} late</source>
        <translation>超时 {span}</translation>
    </message>
    <message>
        <source>{span} left</source>
        <translation>剩余 {span}</translation>
    </message>
    <message>
        <source>handled on time</source>
        <translation>按时处置</translation>
    </message>
    <message>
        <source>handled late</source>
        <translation>超时处置</translation>
    </message>
    <message>
        <source>(+{n:g} extended)</source>
        <translation>（已延期 +{n:g}）</translation>
    </message>
    <message>
        <source>Description</source>
        <translation>问题描述</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>地址</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>Source</source>
        <translation>来源</translation>
    </message>
    <message>
        <source>Position</source>
        <translation>坐标</translation>
    </message>
    <message>
        <source>Unit grid</source>
        <translation>单元网格</translation>
    </message>
    <message>
        <source>District</source>
        <translation>区县</translation>
    </message>
    <message>
        <source>Reporter</source>
        <translation>上报人</translation>
    </message>
    <message>
        <source>System</source>
        <translation>系统</translation>
    </message>
    <message>
        <source>Handling unit</source>
        <translation>处置单位</translation>
    </message>
    <message>
        <source>Not dispatched</source>
        <translation>未派遣</translation>
    </message>
    <message>
        <source>Squad</source>
        <translation>处置班组</translation>
    </message>
    <message>
        <source>Responsible type</source>
        <translation>责任单位类型</translation>
    </message>
    <message>
        <source>Time limit</source>
        <translation>处置时限</translation>
    </message>
    <message>
        <source>Deadline</source>
        <translation>截止时间</translation>
    </message>
    <message>
        <source>Deadline state</source>
        <translation>时限状态</translation>
    </message>
    <message>
        <source>Reported at</source>
        <translation>上报时间</translation>
    </message>
    <message>
        <source>Registered at</source>
        <translation>立案时间</translation>
    </message>
    <message>
        <source>Dispatched at</source>
        <translation>派遣时间</translation>
    </message>
    <message>
        <source>Handled at</source>
        <translation>处置时间</translation>
    </message>
    <message>
        <source>Verified at</source>
        <translation>核查时间</translation>
    </message>
    <message>
        <source>Closed at</source>
        <translation>结案时间</translation>
    </message>
    <message>
        <source>Rework</source>
        <translation>返工次数</translation>
    </message>
    <message>
        <source>Extensions</source>
        <translation>延期次数</translation>
    </message>
    <message>
        <source>Suspensions</source>
        <translation>挂账次数</translation>
    </message>
    <message>
        <source>Transferred to</source>
        <translation>移送至</translation>
    </message>
    <message>
        <source>Updated at</source>
        <translation>更新时间</translation>
    </message>
    <message>
        <source>Version</source>
        <translation>版本</translation>
    </message>
    <message>
        <source>Paused from</source>
        <translation>暂停前状态</translation>
    </message>
    <message>
        <source>Extension asked</source>
        <translation>延期申请</translation>
    </message>
    <message>
        <source>{amount:g} {unit} more, by {who} at {at}: {reason}</source>
        <translation>申请延长 {amount:g} {unit}，{who} 于 {at} 提出：{reason}</translation>
    </message>
    <message>
        <source>Legal basis</source>
        <translation>法律依据</translation>
    </message>
    <message>
        <source>Penalty</source>
        <translation>处罚</translation>
    </message>
    <message>
        <source>Missing</source>
        <translation>文件缺失</translation>
    </message>
    <message>
        <source>No photos</source>
        <translation>无照片</translation>
    </message>
    <message>
        <source>When</source>
        <translation>时间</translation>
    </message>
    <message>
        <source>Who</source>
        <translation>操作人</translation>
    </message>
    <message>
        <source>What</source>
        <translation>操作</translation>
    </message>
    <message>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>备注</translation>
    </message>
    <message>
        <source>Workstation</source>
        <translation>工作站</translation>
    </message>
    <message>
        <source>Snapshot</source>
        <translation>截图取证</translation>
    </message>
    <message>
        <source>Video clip</source>
        <translation>录像取证</translation>
    </message>
    <message>
        <source>Camera {name}</source>
        <translation>摄像头 {name}</translation>
    </message>
    <message>
        <source>No camera within 300 m</source>
        <translation>300 米内无摄像头</translation>
    </message>
    <message>
        <source>Open the {n} cameras that see it on the wall</source>
        <translation>在视频墙打开能看到该案件的 {n} 路摄像头</translation>
    </message>
    <message>
        <source>Open the camera that sees it on the wall</source>
        <translation>在视频墙打开能看到该案件的摄像头</translation>
    </message>
    <message>
        <source>{name} · {m} m · sees it</source>
        <translation>{name} · {m} 米 · 可见</translation>
    </message>
    <message>
        <source>{name} · {m} m · not facing it</source>
        <translation>{name} · {m} 米 · 未朝向</translation>
    </message>
    <message>
        <source>Open on wall</source>
        <translation>上墙</translation>
    </message>
    <message>
        <source>Camera disabled</source>
        <translation>摄像头已停用</translation>
    </message>
    <message>
        <source>Asks for a reason first</source>
        <translation>需先填写原因</translation>
    </message>
    <message>
        <source>Your roles can take no action on this case now.</source>
        <translation>您的角色当前不能对此案卷进行操作。</translation>
    </message>
    <message>
        <source>Legal basis and penalty</source>
        <translation>法律依据与处罚</translation>
    </message>
    <message>
        <source>Location</source>
        <translation>位置</translation>
    </message>
    <message>
        <source>Photos and snapshots</source>
        <translation>照片与抓拍</translation>
    </message>
    <message>
        <source>Trail</source>
        <translation>办理过程</translation>
    </message>
    <message>
        <source>Nearest cameras</source>
        <translation>附近摄像头</translation>
    </message>
    <message>
        <source>Registry object</source>
        <translation>台账对象</translation>
    </message>
    <message>
        <source>Reason for “{action}” on case {no}:</source>
        <translation>案卷 {no}「{action}」的原因：</translation>
    </message>
    <message>
        <source>“{action}” needs a reason; nothing was done.</source>
        <translation>「{action}」需要填写原因，未执行任何操作。</translation>
    </message>
    <message>
        <source>Not linked</source>
        <translation>未关联</translation>
    </message>
    <message>
        <source>Open the object&apos;s page in the registries</source>
        <translation>在城市台账中打开该对象</translation>
    </message>
    <message>
        <source>Link…</source>
        <translation>关联…</translation>
    </message>
    <message>
        <source>Unlink</source>
        <translation>解除关联</translation>
    </message>
    <message>
        <source>No registry object within 150 m</source>
        <translation>150 米内没有台账对象</translation>
    </message>
    <message>
        <source>Your roles may not link cases to registry objects.</source>
        <translation>您的角色无权将案件关联到台账对象。</translation>
    </message>
</context>
<context>
    <name>CaseFeed</name>
    <message>
        <source>Latest cases</source>
        <translation>最新案件</translation>
    </message>
    <message>
        <source>No open cases</source>
        <translation>暂无在办案件</translation>
    </message>
</context>
<context>
    <name>CaseListModel</name>
    <message>
        <source>Case no.</source>
        <translation>案卷编号</translation>
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
        <source>Reported</source>
        <translation>上报时间</translation>
    </message>
    <message>
        <source>Squad</source>
        <translation>处置班组</translation>
    </message>
    <message>
        <source>Deadline</source>
        <translation>截止时间</translation>
    </message>
    <message>
        <source>overdue</source>
        <translation>超期</translation>
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
    <name>CaseQueuePanel</name>
    <message>
        <source>Any deadline</source>
        <translation>不限时限</translation>
    </message>
    <message>
        <source>Past deadline</source>
        <translation>已过时限</translation>
    </message>
    <message>
        <source>Due within 1 h</source>
        <translation>1小时内到期</translation>
    </message>
    <message>
        <source>Due within 4 h</source>
        <translation>4小时内到期</translation>
    </message>
    <message>
        <source>Due within 24 h</source>
        <translation>24小时内到期</translation>
    </message>
    <message>
        <source>Due within 3 days</source>
        <translation>3天内到期</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>打开</translation>
    </message>
    <message>
        <source>Acknowledge</source>
        <translation>确认</translation>
    </message>
    <message>
        <source>Category code</source>
        <translation>类别代码</translation>
    </message>
    <message>
        <source>Grid code</source>
        <translation>网格代码</translation>
    </message>
    <message>
        <source>Any source</source>
        <translation>全部来源</translation>
    </message>
    <message>
        <source>Case no. (Ctrl+F)</source>
        <translation>案卷编号 (Ctrl+F)</translation>
    </message>
    <message>
        <source>Could not read the queue: %1</source>
        <translation>无法读取案卷队列：%1</translation>
    </message>
    <message>
        <source>Any district</source>
        <translation>全部区县</translation>
    </message>
    <message>
        <source>Any squad</source>
        <translation>全部中队</translation>
    </message>
    <message>
        <source>Urgent case %1: %2, %3</source>
        <translation>紧急案卷 %1：%2，%3</translation>
    </message>
    <message>
        <source>(%1 more)</source>
        <translation>（另有 %1 件）</translation>
    </message>
    <message>
        <source>%1 cases</source>
        <translation>共 %1 件</translation>
    </message>
</context>
<context>
    <name>CaseQueueTab</name>
    <message>
        <source>Pending intake</source>
        <translation>待受理</translation>
    </message>
    <message>
        <source>Pending registration</source>
        <translation>待立案</translation>
    </message>
    <message>
        <source>Pending dispatch</source>
        <translation>待派遣</translation>
    </message>
    <message>
        <source>Being handled</source>
        <translation>处置中</translation>
    </message>
    <message>
        <source>Pending check</source>
        <translation>待核查</translation>
    </message>
    <message>
        <source>Closed</source>
        <translation>已结案</translation>
    </message>
    <message>
        <source>Overdue</source>
        <translation>超期</translation>
    </message>
    <message>
        <source>On hold</source>
        <translation>挂账</translation>
    </message>
    <message>
        <source>All</source>
        <translation>全部</translation>
    </message>
</context>
<context>
    <name>CaseSource</name>
    <message>
        <source>12345 hotline</source>
        <translation>12345热线</translation>
    </message>
    <message>
        <source>WeChat public account</source>
        <translation>微信公众号</translation>
    </message>
    <message>
        <source>Grid worker / inspector</source>
        <translation>网格员/监督员</translation>
    </message>
    <message>
        <source>Camera</source>
        <translation>视频监控</translation>
    </message>
    <message>
        <source>Assigned by a leader</source>
        <translation>领导交办</translation>
    </message>
    <message>
        <source>Inspector</source>
        <translation>监督员</translation>
    </message>
    <message>
        <source>Hotline</source>
        <translation>热线</translation>
    </message>
    <message>
        <source>Public</source>
        <translation>公众举报</translation>
    </message>
    <message>
        <source>Leader&apos;s instruction</source>
        <translation>领导交办</translation>
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
    <name>ChartsPage</name>
    <message>
        <source>Reports and closures, last {n} days</source>
        <translation>近 {n} 天上报与结案</translation>
    </message>
    <message>
        <source>Cases by category, last {n} days</source>
        <translation>近 {n} 天案件类别分布</translation>
    </message>
    <message>
        <source>Reported</source>
        <translation>上报</translation>
    </message>
    <message>
        <source>Closed</source>
        <translation>结案</translation>
    </message>
</context>
<context>
    <name>ClosureHistogram</name>
    <message>
        <source>cases</source>
        <translation>件</translation>
    </message>
    <message>
        <source>hours from report to close</source>
        <translation>从上报到结案（小时）</translation>
    </message>
    <message>
        <source>median</source>
        <translation>中位数</translation>
    </message>
    <message>
        <source>P90</source>
        <translation>P90</translation>
    </message>
    <message>
        <source>{n} closed · median {median:.1f} h · P90 {p90:.1f} h</source>
        <translation>结案 {n} 件 · 中位数 {median:.1f} 小时 · P90 {p90:.1f} 小时</translation>
    </message>
    <message>
        <source>nothing closed in this range</source>
        <translation>此时段内无结案</translation>
    </message>
</context>
<context>
    <name>ConnectionBanner</name>
    <message>
        <source>Database connection lost — retrying… ({elapsed})</source>
        <translation>数据库连接中断 — 正在重试…（{elapsed}）</translation>
    </message>
</context>
<context>
    <name>CreateDialog</name>
    <message>
        <source>New — {kind}</source>
        <translation>新建 — {kind}</translation>
    </message>
    <message>
        <source>Enter a new object in {kind}; its code is assigned automatically.</source>
        <translation>登记一个新的{kind}对象，编号自动生成。</translation>
    </message>
    <message>
        <source>Name *</source>
        <translation>名称 *</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>地址</translation>
    </message>
    <message>
        <source>Centre longitude *</source>
        <translation>中心经度 *</translation>
    </message>
    <message>
        <source>Longitude *</source>
        <translation>经度 *</translation>
    </message>
    <message>
        <source>Centre latitude *</source>
        <translation>中心纬度 *</translation>
    </message>
    <message>
        <source>Latitude *</source>
        <translation>纬度 *</translation>
    </message>
    <message>
        <source>Footprint width (east–west) *</source>
        <translation>占地宽（东西）*</translation>
    </message>
    <message>
        <source>Footprint length (north–south) *</source>
        <translation>占地长（南北）*</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
</context>
<context>
    <name>Desk</name>
    <message>
        <source>Not accepted {a} · due within 1 h {b} · overdue {c}</source>
        <translation>超时未接收 {a} · 1小时内到期 {b} · 超期 {c}</translation>
    </message>
    <message>
        <source>declined {n}</source>
        <translation>被退回 {n}</translation>
    </message>
    <message>
        <source>extensions asked {n}</source>
        <translation>待批延期 {n}</translation>
    </message>
    <message>
        <source>Dispatch of {no} not accepted in time</source>
        <translation>案卷 {no} 派遣后未按时接收</translation>
    </message>
    <message>
        <source>Case {no} is now overdue</source>
        <translation>案卷 {no} 已超期</translation>
    </message>
    <message>
        <source>The squad declined case {no}: dispatch it again</source>
        <translation>案卷 {no} 被处置班组退回，请重新派遣</translation>
    </message>
    <message>
        <source>Extension asked for case {no}: grant or deny it</source>
        <translation>案卷 {no} 申请延期，请审批</translation>
    </message>
    <message>
        <source>(and {n} more)</source>
        <translation>（另有 {n} 件）</translation>
    </message>
    <message>
        <source>Your roles may not do this.</source>
        <translation>您的角色无权执行此操作。</translation>
    </message>
    <message>
        <source>Request extension</source>
        <translation>申请延期</translation>
    </message>
    <message>
        <source>How much more time (in the category&apos;s time unit)?</source>
        <translation>需要延长多少时间（按该类别的时限单位）？</translation>
    </message>
    <message>
        <source>{who} asked on {at} for {amount:g} {unit} more for case {no}:
“{reason}”

Grant how much?</source>
        <translation>{who} 于 {at} 为案卷 {no} 申请延长 {amount:g} {unit}：
“{reason}”

批准延长多少？</translation>
    </message>
    <message>
        <source>Grant extension</source>
        <translation>批准延期</translation>
    </message>
    <message>
        <source>Changed elsewhere</source>
        <translation>已在其他工作站修改</translation>
    </message>
    <message>
        <source>Select registered cases in the queue to dispatch them together.</source>
        <translation>请在案卷队列中选择已立案的案卷以批量派遣。</translation>
    </message>
    <message>
        <source>Dispatch {n} cases</source>
        <translation>批量派遣 {n} 件案卷</translation>
    </message>
    <message>
        <source>Dispatched {n} cases.</source>
        <translation>已派遣 {n} 件案卷。</translation>
    </message>
    <message>
        <source>Not dispatched: {list}</source>
        <translation>未派遣：{list}</translation>
    </message>
    <message>
        <source>Reassign</source>
        <translation>转派</translation>
    </message>
    <message>
        <source>Why do {n} cases go to another squad?</source>
        <translation>为什么将 {n} 件案卷转派给其他中队？</translation>
    </message>
    <message>
        <source>Dispatched {a}, reassigned {b}.</source>
        <translation>已派遣 {a} 件，转派 {b} 件。</translation>
    </message>
    <message>
        <source>Not in a state to send: {list}</source>
        <translation>当前状态不能派遣：{list}</translation>
    </message>
    <message>
        <source>Duplicate of {no}</source>
        <translation>重复上报，并入 {no}</translation>
    </message>
    <message>
        <source>Recorded as a duplicate of {no}.</source>
        <translation>已记为 {no} 的重复上报。</translation>
    </message>
    <message>
        <source>Filed; the shift chief decides whether it duplicates {no}.</source>
        <translation>已上报；是否与 {no} 重复由值班长判定。</translation>
    </message>
    <message>
        <source>Not done: {error}</source>
        <translation>未执行：{error}</translation>
    </message>
</context>
<context>
    <name>DispatchDialog</name>
    <message>
        <source>Dispatch {case}</source>
        <translation>派遣 {case}</translation>
    </message>
    <message>
        <source>Ranked by travel time, cases in hand and whether the squad is busy.</source>
        <translation>按行程时间、在办案件数和是否忙碌排序。</translation>
    </message>
    <message>
        <source>No squad can take this case now (all off duty, far or unknown).</source>
        <translation>目前没有中队可以接收此案卷（均离岗、过远或位置未知）。</translation>
    </message>
    <message>
        <source>Dispatch</source>
        <translation>派遣</translation>
    </message>
</context>
<context>
    <name>EditDialog</name>
    <message>
        <source>Edit — {code}</source>
        <translation>编辑 — {code}</translation>
    </message>
    <message>
        <source>{kind} {code} (status: {status})</source>
        <translation>{kind} {code}（状态：{status}）</translation>
    </message>
    <message>
        <source>Name *</source>
        <translation>名称 *</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>地址</translation>
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
    <name>EvaluationPanel</name>
    <message>
        <source>Squads</source>
        <translation>处置班组</translation>
    </message>
    <message>
        <source>Handling units</source>
        <translation>处置单位</translation>
    </message>
    <message>
        <source>Grid workers</source>
        <translation>网格员</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <source>Month</source>
        <translation>月份</translation>
    </message>
    <message>
        <source>Evaluate</source>
        <translation>评价</translation>
    </message>
    <message>
        <source>Export ranking…</source>
        <translation>导出排名…</translation>
    </message>
    <message>
        <source>Weights (sum 100)</source>
        <translation>权重（合计 100）</translation>
    </message>
    <message>
        <source>Handling rate</source>
        <translation>处置率</translation>
    </message>
    <message>
        <source>On-time handling rate</source>
        <translation>按期处置率</translation>
    </message>
    <message>
        <source>1 − rework rate</source>
        <translation>1 − 返工率</translation>
    </message>
    <message>
        <source>1 − overdue pending rate</source>
        <translation>1 − 超期待处置率</translation>
    </message>
    <message>
        <source>1 − extension rate</source>
        <translation>1 − 延期率</translation>
    </message>
    <message>
        <source>Save weights</source>
        <translation>保存权重</translation>
    </message>
    <message>
        <source>District defaults</source>
        <translation>恢复默认权重</translation>
    </message>
    <message>
        <source>Grid workers: valid-report rate ×40 + on-time check rate ×40 + volume against the median ×20.</source>
        <translation>网格员：有效上报率 ×40 + 按时核查率 ×40 + 上报量（相对中位数）×20。</translation>
    </message>
    <message>
        <source>Interview list: red band or bottom {n}</source>
        <translation>约谈名单：红色档或排名末 {n} 位</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>加载中…</translation>
    </message>
    <message>
        <source>below {limit:g}</source>
        <translation>低于 {limit:g} 分</translation>
    </message>
    <message>
        <source>bottom {n}</source>
        <translation>排名末 {n} 位</translation>
    </message>
    <message>
        <source>{n} ranked, {m} without a score</source>
        <translation>参评 {n} 个，{m} 个无考核数据</translation>
    </message>
    <message>
        <source>Not done: {error}</source>
        <translation>未完成：{error}</translation>
    </message>
    <message>
        <source>Saved {path}</source>
        <translation>已保存 {path}</translation>
    </message>
    <message>
        <source>Export ranking</source>
        <translation>导出排名</translation>
    </message>
    <message>
        <source>Excel workbook (*.xlsx);;CSV (*.csv)</source>
        <translation>Excel 工作簿 (*.xlsx);;CSV (*.csv)</translation>
    </message>
    <message>
        <source>Sum: {total:g}</source>
        <translation>合计：{total:g}</translation>
    </message>
    <message>
        <source>Weights saved.</source>
        <translation>权重已保存。</translation>
    </message>
</context>
<context>
    <name>ExportDialog</name>
    <message>
        <source>Export</source>
        <translation>导出</translation>
    </message>
    <message>
        <source>GeoJSON</source>
        <translation>GeoJSON</translation>
    </message>
    <message>
        <source>CSV</source>
        <translation>CSV</translation>
    </message>
    <message>
        <source>Open311 (services.json + requests.json)</source>
        <translation>Open311（services.json + requests.json）</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <source>Format</source>
        <translation>格式</translation>
    </message>
    <message>
        <source>Save to</source>
        <translation>保存到</translation>
    </message>
    <message>
        <source>Folder for the Open311 files</source>
        <translation>Open311 文件的保存文件夹</translation>
    </message>
    <message>
        <source>Export to</source>
        <translation>导出到</translation>
    </message>
    <message>
        <source>Choose where to save the export.</source>
        <translation>请选择导出文件的保存位置。</translation>
    </message>
    <message>
        <source>Exporting…</source>
        <translation>正在导出…</translation>
    </message>
    <message>
        <source>Wrote {n} rows to {path}</source>
        <translation>已将 {n} 行写入 {path}</translation>
    </message>
    <message>
        <source>Could not export: {error}</source>
        <translation>导出失败：{error}</translation>
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
    <name>FeedbackDialog</name>
    <message>
        <source>Feedback on case {no}</source>
        <translation>案件 {no} 的司法反馈</translation>
    </message>
    <message>
        <source>Case</source>
        <translation>案件</translation>
    </message>
    <message>
        <source>Sent to</source>
        <translation>移送机关</translation>
    </message>
    <message>
        <source>Sent at</source>
        <translation>移送时间</translation>
    </message>
    <message>
        <source>Documents</source>
        <translation>移送材料</translation>
    </message>
    <message>
        <source>Now</source>
        <translation>当前状态</translation>
    </message>
    <message>
        <source>e.g. {example}</source>
        <translation>例如 {example}</translation>
    </message>
    <message>
        <source>what the body said (optional)</source>
        <translation>受理机关的答复（选填）</translation>
    </message>
    <message>
        <source>Save feedback</source>
        <translation>保存反馈</translation>
    </message>
    <message>
        <source>New status</source>
        <translation>反馈状态</translation>
    </message>
    <message>
        <source>File no.</source>
        <translation>文号</translation>
    </message>
    <message>
        <source>Outcome</source>
        <translation>处理结果</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>备注</translation>
    </message>
    <message>
        <source>This transfer is closed; nothing more can be recorded.</source>
        <translation>该移送已办结，不能再登记反馈。</translation>
    </message>
</context>
<context>
    <name>FigureDialog</name>
    <message>
        <source>Figure: {name}</source>
        <translation>填报数据：{name}</translation>
    </message>
    <message>
        <source>source of the figure, e.g. October spot check</source>
        <translation>数据来源，例如“10 月抽查”</translation>
    </message>
    <message>
        <source>Target</source>
        <translation>目标</translation>
    </message>
    <message>
        <source>Actual</source>
        <translation>实际</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>备注</translation>
    </message>
</context>
<context>
    <name>ImportDialog</name>
    <message>
        <source>Cases</source>
        <translation>案件</translation>
    </message>
    <message>
        <source>Cameras</source>
        <translation>摄像头</translation>
    </message>
    <message>
        <source>Illegal buildings</source>
        <translation>违法建设</translation>
    </message>
    <message>
        <source>Outdoor ads and shop signs</source>
        <translation>户外广告与牌匾</translation>
    </message>
    <message>
        <source>Parking</source>
        <translation>停车设施</translation>
    </message>
    <message>
        <source>Markets</source>
        <translation>便民市场与农贸市场</translation>
    </message>
    <message>
        <source>Shop-front contracts</source>
        <translation>门前承包责任制</translation>
    </message>
    <message>
        <source>Municipal components</source>
        <translation>市政设施部件</translation>
    </message>
    <message>
        <source>Key projects</source>
        <translation>重点项目</translation>
    </message>
    <message>
        <source>Unit grids</source>
        <translation>单元网格</translation>
    </message>
    <message>
        <source>Case no.</source>
        <translation>案件编号</translation>
    </message>
    <message>
        <source>Category code</source>
        <translation>类别代码</translation>
    </message>
    <message>
        <source>Source</source>
        <translation>来源</translation>
    </message>
    <message>
        <source>Description</source>
        <translation>问题描述</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>地址</translation>
    </message>
    <message>
        <source>Longitude</source>
        <translation>经度</translation>
    </message>
    <message>
        <source>Latitude</source>
        <translation>纬度</translation>
    </message>
    <message>
        <source>Reported at</source>
        <translation>上报时间</translation>
    </message>
    <message>
        <source>Code</source>
        <translation>编码</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>Stream URL</source>
        <translation>视频流地址</translation>
    </message>
    <message>
        <source>Heading (°)</source>
        <translation>朝向（°）</translation>
    </message>
    <message>
        <source>Field of view (°)</source>
        <translation>视场角（°）</translation>
    </message>
    <message>
        <source>Group</source>
        <translation>分组</translation>
    </message>
    <message>
        <source>Sub-stream URL</source>
        <translation>子码流地址</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>District code</source>
        <translation>区县编码</translation>
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
        <source>Import</source>
        <translation>导入</translation>
    </message>
    <message>
        <source>Choose a CSV, GeoJSON or Open311 file…</source>
        <translation>请选择 CSV、GeoJSON 或 Open311 文件…</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <source>CSV</source>
        <translation>CSV</translation>
    </message>
    <message>
        <source>GeoJSON</source>
        <translation>GeoJSON</translation>
    </message>
    <message>
        <source>Open311 requests (JSON)</source>
        <translation>Open311 诉求（JSON）</translation>
    </message>
    <message>
        <source>Import as</source>
        <translation>导入为</translation>
    </message>
    <message>
        <source>File</source>
        <translation>文件</translation>
    </message>
    <message>
        <source>Format</source>
        <translation>格式</translation>
    </message>
    <message>
        <source>File column</source>
        <translation>文件列</translation>
    </message>
    <message>
        <source>First value</source>
        <translation>首行取值</translation>
    </message>
    <message>
        <source>Field</source>
        <translation>字段</translation>
    </message>
    <message>
        <source>Load mapping…</source>
        <translation>载入字段映射…</translation>
    </message>
    <message>
        <source>Save mapping…</source>
        <translation>保存字段映射…</translation>
    </message>
    <message>
        <source>Columns</source>
        <translation>字段映射</translation>
    </message>
    <message>
        <source>Preview (first {n} rows, as they will be read)</source>
        <translation>预览（前 {n} 行，按导入时的读取结果）</translation>
    </message>
    <message>
        <source>Skip invalid rows and write a report</source>
        <translation>跳过无效行并生成错误报告</translation>
    </message>
    <message>
        <source>Report file (CSV)</source>
        <translation>错误报告文件（CSV）</translation>
    </message>
    <message>
        <source>Choose…</source>
        <translation>选择…</translation>
    </message>
    <message>
        <source>Choose the report file</source>
        <translation>选择错误报告文件</translation>
    </message>
    <message>
        <source>This file cannot be read.</source>
        <translation>无法读取该文件。</translation>
    </message>
    <message>
        <source>— not imported —</source>
        <translation>— 不导入 —</translation>
    </message>
    <message>
        <source>Required: {fields}</source>
        <translation>必填：{fields}</translation>
    </message>
    <message>
        <source>geometry</source>
        <translation>几何图形</translation>
    </message>
    <message>
        <source>The mapping file {path} cannot be used.</source>
        <translation>字段映射文件 {path} 无法使用。</translation>
    </message>
    <message>
        <source>The mapping names columns this file does not have: {columns}</source>
        <translation>字段映射中的列在该文件中不存在：{columns}</translation>
    </message>
    <message>
        <source>Mapping saved to {path}</source>
        <translation>字段映射已保存到 {path}</translation>
    </message>
    <message>
        <source>Cannot import yet: complete the column mapping.</source>
        <translation>暂不能导入：请先完成字段映射。</translation>
    </message>
    <message>
        <source>Importing…</source>
        <translation>正在导入…</translation>
    </message>
    <message>
        <source>Imported {imported} of {read} rows.</source>
        <translation>已导入 {imported} 行（共读取 {read} 行）。</translation>
    </message>
    <message>
        <source>{skipped} invalid rows were skipped.</source>
        <translation>已跳过 {skipped} 条无效行。</translation>
    </message>
    <message>
        <source>Report: {path}</source>
        <translation>错误报告：{path}</translation>
    </message>
    <message>
        <source>Nothing was imported: {rows} of {read} rows are invalid.</source>
        <translation>未导入任何数据：{read} 行中有 {rows} 行无效。</translation>
    </message>
    <message>
        <source>Nothing was imported: the file cannot be imported.</source>
        <translation>未导入任何数据：该文件无法导入。</translation>
    </message>
    <message>
        <source>Nothing was imported: {error}</source>
        <translation>未导入任何数据：{error}</translation>
    </message>
    <message>
        <source>Row {row}</source>
        <translation>第 {row} 行</translation>
    </message>
    <message>
        <source>… and {n} more</source>
        <translation>… 另有 {n} 条</translation>
    </message>
    <message>
        <source>Open311 requests are read by their standard keys.</source>
        <translation>Open311 诉求按其标准字段读取。</translation>
    </message>
    <message>
        <source>Import a file</source>
        <translation>导入文件</translation>
    </message>
    <message>
        <source>Data files (*.csv *.geojson *.json);;All files (*)</source>
        <translation>数据文件 (*.csv *.geojson *.json);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Load a column mapping</source>
        <translation>载入字段映射</translation>
    </message>
    <message>
        <source>Mappings (*.json)</source>
        <translation>字段映射 (*.json)</translation>
    </message>
    <message>
        <source>Save the column mapping</source>
        <translation>保存字段映射</translation>
    </message>
    <message>
        <source>Report of invalid rows</source>
        <translation>无效行错误报告</translation>
    </message>
    <message>
        <source>CSV files (*.csv)</source>
        <translation>CSV 文件 (*.csv)</translation>
    </message>
</context>
<context>
    <name>IssueOrderDialog</name>
    <message>
        <source>Issue an order</source>
        <translation>下达督办单</translation>
    </message>
    <message>
        <source>Squad: {name}</source>
        <translation>中队：{name}</translation>
    </message>
    <message>
        <source>Unit: {name}</source>
        <translation>单位：{name}</translation>
    </message>
    <message>
        <source>case ids, separated by commas (optional)</source>
        <translation>案件 ID，用逗号分隔（可选）</translation>
    </message>
    <message>
        <source>Title</source>
        <translation>标题</translation>
    </message>
    <message>
        <source>Text</source>
        <translation>内容</translation>
    </message>
    <message>
        <source>Due</source>
        <translation>期限</translation>
    </message>
    <message>
        <source>To</source>
        <translation>接收方</translation>
    </message>
    <message>
        <source>Cases</source>
        <translation>案件</translation>
    </message>
    <message>
        <source>An order needs a title.</source>
        <translation>督办单需要标题。</translation>
    </message>
    <message>
        <source>Choose a squad or a unit.</source>
        <translation>请选择中队或单位。</translation>
    </message>
    <message>
        <source>Not a case id: {ids}</source>
        <translation>不是案件 ID：{ids}</translation>
    </message>
</context>
<context>
    <name>Judicial</name>
    <message>
        <source>Police</source>
        <translation>公安机关</translation>
    </message>
    <message>
        <source>Procuratorate</source>
        <translation>检察机关</translation>
    </message>
    <message>
        <source>Court</source>
        <translation>人民法院</translation>
    </message>
    <message>
        <source>Awaiting feedback</source>
        <translation>待反馈</translation>
    </message>
    <message>
        <source>Accepted</source>
        <translation>已受理</translation>
    </message>
    <message>
        <source>Not accepted</source>
        <translation>不予受理</translation>
    </message>
    <message>
        <source>Closed</source>
        <translation>已办结</translation>
    </message>
    <message>
        <source>Administrative penalty</source>
        <translation>行政处罚</translation>
    </message>
    <message>
        <source>Prosecuted</source>
        <translation>提起公诉</translation>
    </message>
    <message>
        <source>Judged</source>
        <translation>已判决</translation>
    </message>
    <message>
        <source>Returned</source>
        <translation>退回</translation>
    </message>
    <message>
        <source>No action taken</source>
        <translation>不予处理</translation>
    </message>
    <message>
        <source>Not saved: {error}</source>
        <translation>未保存：{error}</translation>
    </message>
</context>
<context>
    <name>JudicialPanel</name>
    <message>
        <source>Judicial hand-over</source>
        <translation>司法衔接</translation>
    </message>
    <message>
        <source>All</source>
        <translation>全部</translation>
    </message>
    <message>
        <source>Last 30 days</source>
        <translation>近 30 天</translation>
    </message>
    <message>
        <source>This year</source>
        <translation>本年度</translation>
    </message>
    <message>
        <source>All time</source>
        <translation>全部时间</translation>
    </message>
    <message>
        <source>Record feedback…</source>
        <translation>登记反馈…</translation>
    </message>
    <message>
        <source>Export…</source>
        <translation>导出…</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Counts over</source>
        <translation>统计期间</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>正在加载…</translation>
    </message>
    <message>
        <source>{n} transfers listed</source>
        <translation>共 {n} 条移送记录</translation>
    </message>
    <message>
        <source>By body: {list}</source>
        <translation>按机关：{list}</translation>
    </message>
    <message>
        <source>Transferred</source>
        <translation>移送总数</translation>
    </message>
    <message>
        <source>Not done: {error}</source>
        <translation>未完成：{error}</translation>
    </message>
    <message>
        <source>Shift chiefs, supervisors and administrators record feedback.</source>
        <translation>值班长、督查员和管理员可登记反馈。</translation>
    </message>
    <message>
        <source>Feedback on {no} saved.</source>
        <translation>已保存 {no} 的反馈。</translation>
    </message>
    <message>
        <source>Saved {path}</source>
        <translation>已保存 {path}</translation>
    </message>
    <message>
        <source>Export transfers</source>
        <translation>导出移送记录</translation>
    </message>
    <message>
        <source>Excel workbook (*.xlsx);;CSV (*.csv)</source>
        <translation>Excel 工作簿 (*.xlsx);;CSV (*.csv)</translation>
    </message>
</context>
<context>
    <name>KindTab</name>
    <message>
        <source>Street</source>
        <translation>街道</translation>
    </message>
    <message>
        <source>Shops</source>
        <translation>商户</translation>
    </message>
    <message>
        <source>Informed</source>
        <translation>知晓率</translation>
    </message>
    <message>
        <source>Signed</source>
        <translation>签订率</translation>
    </message>
    <message>
        <source>Fulfilled</source>
        <translation>落实率</translation>
    </message>
    <message>
        <source>All statuses</source>
        <translation>全部状态</translation>
    </message>
    <message>
        <source>All streets</source>
        <translation>全部街道</translation>
    </message>
    <message>
        <source>Code, name or address</source>
        <translation>编号、名称或地址</translation>
    </message>
    <message>
        <source>Overdue only</source>
        <translation>仅超期</translation>
    </message>
    <message>
        <source>This registry has no deadlines</source>
        <translation>此台账没有办理期限</translation>
    </message>
    <message>
        <source>New…</source>
        <translation>新建…</translation>
    </message>
    <message>
        <source>Export…</source>
        <translation>导出…</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>加载中…</translation>
    </message>
    <message>
        <source>{n} listed</source>
        <translation>共 {n} 条</translation>
    </message>
    <message>
        <source>Could not load: {error}</source>
        <translation>未能加载：{error}</translation>
    </message>
    <message>
        <source>Due {date}</source>
        <translation>计划完成 {date}</translation>
    </message>
    <message>
        <source>Due {date} · overdue</source>
        <translation>计划完成 {date} · 已超期</translation>
    </message>
    <message>
        <source>Exported {path}</source>
        <translation>已导出 {path}</translation>
    </message>
    <message>
        <source>Export registry</source>
        <translation>导出台账</translation>
    </message>
    <message>
        <source>Excel workbook (*.xlsx);;CSV (*.csv)</source>
        <translation>Excel 工作簿 (*.xlsx);;CSV (*.csv)</translation>
    </message>
</context>
<context>
    <name>KpiDashboard</name>
    <message>
        <source>Today</source>
        <translation>今日</translation>
    </message>
    <message>
        <source>Last 7 days</source>
        <translation>近 7 天</translation>
    </message>
    <message>
        <source>Last 30 days</source>
        <translation>近 30 天</translation>
    </message>
    <message>
        <source>This month</source>
        <translation>本月</translation>
    </message>
    <message>
        <source>Last month</source>
        <translation>上月</translation>
    </message>
    <message>
        <source>Custom…</source>
        <translation>自定义…</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <source>Range</source>
        <translation>时间范围</translation>
    </message>
    <message>
        <source>from</source>
        <translation>从</translation>
    </message>
    <message>
        <source>to</source>
        <translation>至</translation>
    </message>
    <message>
        <source>Reports and closures per day</source>
        <translation>每日上报与结案</translation>
    </message>
    <message>
        <source>Closure times</source>
        <translation>结案用时分布</translation>
    </message>
    <message>
        <source>On-time rate (worst first)</source>
        <translation>按期率（由低到高）</translation>
    </message>
    <message>
        <source>Squads</source>
        <translation>处置班组</translation>
    </message>
    <message>
        <source>Units</source>
        <translation>处置单位</translation>
    </message>
    <message>
        <source>Category mix (top 10)</source>
        <translation>案件类别（前 10）</translation>
    </message>
    <message>
        <source>Overdue now by grid (top 10)</source>
        <translation>当前超期网格（前 10）</translation>
    </message>
    <message>
        <source>reported</source>
        <translation>上报</translation>
    </message>
    <message>
        <source>closed</source>
        <translation>结案</translation>
    </message>
    <message>
        <source>Click a bar to list its cases.</source>
        <translation>点击柱形查看对应案件。</translation>
    </message>
    <message>
        <source>Export table…</source>
        <translation>导出表格…</translation>
    </message>
    <message>
        <source>Case list…</source>
        <translation>案件列表…</translation>
    </message>
    <message>
        <source>Chart figures…</source>
        <translation>图表数据…</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>加载中…</translation>
    </message>
    <message>
        <source>Could not load the figures: {error}</source>
        <translation>无法加载统计数据：{error}</translation>
    </message>
    <message>
        <source>{first} – {last}: {reported} reported, {closed} closed</source>
        <translation>{first} – {last}：上报 {reported} 件，结案 {closed} 件</translation>
    </message>
    <message>
        <source>no data</source>
        <translation>无数据</translation>
    </message>
    <message>
        <source>nothing closed in this range</source>
        <translation>此时段内无结案</translation>
    </message>
    <message>
        <source>other</source>
        <translation>其他</translation>
    </message>
    <message>
        <source>nothing reported in this range</source>
        <translation>此时段内无上报</translation>
    </message>
    <message>
        <source>nothing overdue</source>
        <translation>无超期案件</translation>
    </message>
    <message>
        <source>Closed on {day}</source>
        <translation>{day} 结案</translation>
    </message>
    <message>
        <source>Reported on {day}</source>
        <translation>{day} 上报</translation>
    </message>
    <message>
        <source>Closed in the range, handled by {name}</source>
        <translation>时段内结案、由 {name} 处置</translation>
    </message>
    <message>
        <source>&quot;Other&quot; adds up several categories: click one of the named ones.</source>
        <translation>“其他”汇总了多个类别：请点击具体类别。</translation>
    </message>
    <message>
        <source>Reported in the range: {category}</source>
        <translation>时段内上报：{category}</translation>
    </message>
    <message>
        <source>Overdue now in grid {grid}</source>
        <translation>网格 {grid} 当前超期案件</translation>
    </message>
    <message>
        <source>loading…</source>
        <translation>加载中…</translation>
    </message>
    <message>
        <source>the first {n} cases</source>
        <translation>前 {n} 件</translation>
    </message>
    <message>
        <source>{n} cases</source>
        <translation>{n} 件</translation>
    </message>
    <message>
        <source>Could not list the cases: {error}</source>
        <translation>无法列出案件：{error}</translation>
    </message>
    <message>
        <source>Figure</source>
        <translation>图表</translation>
    </message>
    <message>
        <source>Item</source>
        <translation>项目</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>数值</translation>
    </message>
    <message>
        <source>Detail</source>
        <translation>说明</translation>
    </message>
    <message>
        <source>Reported per day</source>
        <translation>每日上报</translation>
    </message>
    <message>
        <source>Closed per day</source>
        <translation>每日结案</translation>
    </message>
    <message>
        <source>Closure time (h)</source>
        <translation>结案用时（小时）</translation>
    </message>
    <message>
        <source>median</source>
        <translation>中位数</translation>
    </message>
    <message>
        <source>P90</source>
        <translation>P90</translation>
    </message>
    <message>
        <source>On-time rate by squad</source>
        <translation>各班组按期率</translation>
    </message>
    <message>
        <source>On-time rate by unit</source>
        <translation>各单位按期率</translation>
    </message>
    <message>
        <source>Category mix</source>
        <translation>案件类别分布</translation>
    </message>
    <message>
        <source>Overdue by grid</source>
        <translation>超期网格</translation>
    </message>
    <message>
        <source>Cases</source>
        <translation>案件</translation>
    </message>
    <message>
        <source>Figures</source>
        <translation>统计数据</translation>
    </message>
    <message>
        <source>Saved {path}</source>
        <translation>已保存 {path}</translation>
    </message>
    <message>
        <source>Could not save the table: {error}</source>
        <translation>无法保存表格：{error}</translation>
    </message>
    <message>
        <source>Export table</source>
        <translation>导出表格</translation>
    </message>
    <message>
        <source>Excel workbook (*.xlsx);;CSV (*.csv)</source>
        <translation>Excel 工作簿 (*.xlsx);;CSV (*.csv)</translation>
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
    <name>KpiTiles</name>
    <message>
        <source>Reported today</source>
        <translation>今日上报</translation>
    </message>
    <message>
        <source>Registered today</source>
        <translation>今日立案</translation>
    </message>
    <message>
        <source>Dispatched today</source>
        <translation>今日派遣</translation>
    </message>
    <message>
        <source>Closed today</source>
        <translation>今日结案</translation>
    </message>
    <message>
        <source>Closed on time</source>
        <translation>按期结案率</translation>
    </message>
    <message>
        <source>Overdue now</source>
        <translation>当前超期</translation>
    </message>
    <message>
        <source>Squads on duty</source>
        <translation>在岗班组</translation>
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
        <source>Live on the wall</source>
        <translation>视频墙直播中</translation>
    </message>
    <message>
        <source>Connecting</source>
        <translation>连接中</translation>
    </message>
    <message>
        <source>Signal lost</source>
        <translation>信号中断</translation>
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
        <source>Past its deadline</source>
        <translation>已超期</translation>
    </message>
    <message>
        <source>Footprints filled in the status colour; a dot at the centre</source>
        <translation>占地范围按状态颜色填充，中心标注圆点</translation>
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
        <source>Overdue cases by grid</source>
        <translation>超期网格</translation>
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
    <name>LazyCaseModel</name>
    <message>
        <source>Case no.</source>
        <translation>案卷编号</translation>
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
        <translation>区县</translation>
    </message>
    <message>
        <source>Grid</source>
        <translation>网格</translation>
    </message>
    <message>
        <source>Source</source>
        <translation>来源</translation>
    </message>
    <message>
        <source>Squad</source>
        <translation>中队</translation>
    </message>
    <message>
        <source>Reported</source>
        <translation>上报时间</translation>
    </message>
    <message>
        <source>Deadline</source>
        <translation>处置时限</translation>
    </message>
    <message>
        <source>Time left</source>
        <translation>剩余时间</translation>
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
        <source>Case</source>
        <translation>案卷</translation>
    </message>
    <message>
        <source>Orders</source>
        <translation>督办</translation>
    </message>
    <message>
        <source>Signed out · read only</source>
        <translation>已注销 · 只读</translation>
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
        <source>live on the wall</source>
        <translation>视频墙直播中</translation>
    </message>
    <message>
        <source>connecting</source>
        <translation>连接中</translation>
    </message>
    <message>
        <source>signal lost</source>
        <translation>信号中断</translation>
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
    <name>ObjectPanel</name>
    <message>
        <source>Choose an object in the table on the left</source>
        <translation>在左侧表格中选择一个对象</translation>
    </message>
    <message>
        <source>Edit…</source>
        <translation>编辑…</translation>
    </message>
    <message>
        <source>Show on map</source>
        <translation>在地图上定位</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <source>Action</source>
        <translation>操作</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>By</source>
        <translation>经办人</translation>
    </message>
    <message>
        <source>Case no.</source>
        <translation>案件编号</translation>
    </message>
    <message>
        <source>Category</source>
        <translation>类别</translation>
    </message>
    <message>
        <source>Reported</source>
        <translation>上报时间</translation>
    </message>
    <message>
        <source>History</source>
        <translation>历史</translation>
    </message>
    <message>
        <source>Linked cases</source>
        <translation>关联案件</translation>
    </message>
    <message>
        <source>Steps</source>
        <translation>办理环节</translation>
    </message>
    <message>
        <source>{code}  {name}</source>
        <translation>{code}&#x3000;{name}</translation>
    </message>
    <message>
        <source> · overdue</source>
        <translation> · 已超期</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>地址</translation>
    </message>
    <message>
        <source>District/street</source>
        <translation>区/街道</translation>
    </message>
    <message>
        <source>Unit grid</source>
        <translation>单元网格</translation>
    </message>
    <message>
        <source>Longitude, latitude</source>
        <translation>经纬度</translation>
    </message>
    <message>
        <source>Footprint</source>
        <translation>占地</translation>
    </message>
    <message>
        <source>Polygon (see the map)</source>
        <translation>多边形（见地图）</translation>
    </message>
    <message>
        <source>Updated</source>
        <translation>更新时间</translation>
    </message>
    <message>
        <source>{at} (version {v})</source>
        <translation>{at}（第 {v} 版）</translation>
    </message>
    <message>
        <source>(Closed: no further steps)</source>
        <translation>（已办结，无后续环节）</translation>
    </message>
    <message>
        <source>History ({n})</source>
        <translation>历史（{n}）</translation>
    </message>
    <message>
        <source>Linked cases ({n})</source>
        <translation>关联案件（{n}）</translation>
    </message>
</context>
<context>
    <name>OrderModel</name>
    <message>
        <source>Order</source>
        <translation>督办单</translation>
    </message>
    <message>
        <source>Title</source>
        <translation>标题</translation>
    </message>
    <message>
        <source>To</source>
        <translation>接收方</translation>
    </message>
    <message>
        <source>Due</source>
        <translation>期限</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Cases</source>
        <translation>案件</translation>
    </message>
    <message>
        <source>overdue</source>
        <translation>已超期</translation>
    </message>
    <message>
        <source>issued</source>
        <translation>已下达</translation>
    </message>
    <message>
        <source>acknowledged</source>
        <translation>已确认</translation>
    </message>
    <message>
        <source>done</source>
        <translation>已办结</translation>
    </message>
    <message>
        <source>cancelled</source>
        <translation>已撤销</translation>
    </message>
    <message>
        <source>received</source>
        <translation>已签收</translation>
    </message>
</context>
<context>
    <name>OrdersPanel</name>
    <message>
        <source>Issue…</source>
        <translation>下达…</translation>
    </message>
    <message>
        <source>Received</source>
        <translation>签收</translation>
    </message>
    <message>
        <source>Acknowledge</source>
        <translation>确认</translation>
    </message>
    <message>
        <source>Complete</source>
        <translation>办结</translation>
    </message>
    <message>
        <source>Cancel order</source>
        <translation>撤销督办</translation>
    </message>
    <message>
        <source>{n} open orders, {late} overdue</source>
        <translation>未办结督办单 {n} 件，超期 {late} 件</translation>
    </message>
    <message>
        <source>Why is the order cancelled?</source>
        <translation>为什么撤销该督办单？</translation>
    </message>
    <message>
        <source>Saved.</source>
        <translation>已保存。</translation>
    </message>
    <message>
        <source>Not done: {error}</source>
        <translation>未执行：{error}</translation>
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
    <name>PlanTargetsPanel</name>
    <message>
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <source>Shop-front contracts: known</source>
        <translation>门前责任区：底数掌握率</translation>
    </message>
    <message>
        <source>Shop-front contracts: signed</source>
        <translation>门前责任区：签约率</translation>
    </message>
    <message>
        <source>Shop-front contracts: fulfilled</source>
        <translation>门前责任区：履约率</translation>
    </message>
    <message>
        <source>Wet-sweep rate</source>
        <translation>道路湿扫率</translation>
    </message>
    <message>
        <source>Drainage facilities intact</source>
        <translation>排水设施完好率</translation>
    </message>
    <message>
        <source>New illegal buildings this year</source>
        <translation>今年新增违法建设</translation>
    </message>
    <message>
        <source>Illegal buildings in stock</source>
        <translation>存量违法建设</translation>
    </message>
    <message>
        <source>Smart farmers&apos; markets</source>
        <translation>智慧农贸市场</translation>
    </message>
    <message>
        <source>Project: Langshan landfill stock</source>
        <translation>项目：狼山垃圾场存量治理</translation>
    </message>
    <message>
        <source>Project: smart city management</source>
        <translation>项目：智慧城管平台</translation>
    </message>
    <message>
        <source>Project: north/south drainage works</source>
        <translation>项目：南北城区排水工程</translation>
    </message>
    <message>
        <source>Project: construction-waste recycling</source>
        <translation>项目：建筑垃圾资源化利用</translation>
    </message>
    <message>
        <source>met</source>
        <translation>已达标</translation>
    </message>
    <message>
        <source>on track</source>
        <translation>推进中</translation>
    </message>
    <message>
        <source>behind</source>
        <translation>滞后</translation>
    </message>
    <message>
        <source>no figure</source>
        <translation>未填报</translation>
    </message>
    <message>
        <source>Target</source>
        <translation>目标</translation>
    </message>
    <message>
        <source>Goal</source>
        <translation>目标值</translation>
    </message>
    <message>
        <source>Actual</source>
        <translation>实际</translation>
    </message>
    <message>
        <source>Progress</source>
        <translation>进度</translation>
    </message>
    <message>
        <source>Trend</source>
        <translation>趋势</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>{met} met, {track} on track, {behind} behind, {unknown} without a figure</source>
        <translation>已达标 {met} 项，推进中 {track} 项，滞后 {behind} 项，未填报 {unknown} 项</translation>
    </message>
    <message>
        <source>entered by {who} on {when}</source>
        <translation>{who} 于 {when} 填报</translation>
    </message>
    <message>
        <source>counted from the case history</source>
        <translation>由案件数据统计</translation>
    </message>
    <message>
        <source>read from the city&apos;s registries; trend against a quarter ago</source>
        <translation>取自城市台账；趋势与上一季度相比</translation>
    </message>
    <message>
        <source>Edit…</source>
        <translation>填报…</translation>
    </message>
    <message>
        <source>from cases</source>
        <translation>案件统计</translation>
    </message>
    <message>
        <source>from registry</source>
        <translation>台账统计</translation>
    </message>
    <message>
        <source>unknown</source>
        <translation>未知</translation>
    </message>
    <message>
        <source>Not done: {error}</source>
        <translation>未完成：{error}</translation>
    </message>
</context>
<context>
    <name>RankingModel</name>
    <message>
        <source>Rank</source>
        <translation>排名</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>Score</source>
        <translation>得分</translation>
    </message>
    <message>
        <source>Trend</source>
        <translation>趋势</translation>
    </message>
    <message>
        <source>Band</source>
        <translation>档次</translation>
    </message>
    <message>
        <source>nothing due</source>
        <translation>无考核数据</translation>
    </message>
    <message>
        <source>green</source>
        <translation>绿</translation>
    </message>
    <message>
        <source>amber</source>
        <translation>黄</translation>
    </message>
    <message>
        <source>red</source>
        <translation>红</translation>
    </message>
</context>
<context>
    <name>Registry:ad_signs</name>
    <message>
        <source>Outdoor ads and shop signs</source>
        <translation>户外广告与牌匾</translation>
    </message>
    <message>
        <source>Compliant</source>
        <translation>合规</translation>
    </message>
    <message>
        <source>To rectify</source>
        <translation>待整改</translation>
    </message>
    <message>
        <source>Removed</source>
        <translation>已拆除</translation>
    </message>
    <message>
        <source>Find non-compliant</source>
        <translation>认定不合规</translation>
    </message>
    <message>
        <source>Rectified</source>
        <translation>整改完成</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>拆除</translation>
    </message>
    <message>
        <source>Renew permit</source>
        <translation>续办许可</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>Outdoor ad</source>
        <translation>户外广告</translation>
    </message>
    <message>
        <source>Shop sign</source>
        <translation>牌匾标识</translation>
    </message>
    <message>
        <source>Billboard (pillar)</source>
        <translation>擎天柱/大型广告牌</translation>
    </message>
    <message>
        <source>Owner</source>
        <translation>设置单位</translation>
    </message>
    <message>
        <source>Permit no.</source>
        <translation>许可证号</translation>
    </message>
    <message>
        <source>Permit valid until</source>
        <translation>许可有效期至</translation>
    </message>
    <message>
        <source>Width</source>
        <translation>宽</translation>
    </message>
    <message>
        <source>Height</source>
        <translation>高</translation>
    </message>
    <message>
        <source>Position</source>
        <translation>设置位置</translation>
    </message>
    <message>
        <source>Wall</source>
        <translation>墙面</translation>
    </message>
    <message>
        <source>Roof</source>
        <translation>楼顶</translation>
    </message>
    <message>
        <source>Ground</source>
        <translation>落地</translation>
    </message>
    <message>
        <source>Overhanging</source>
        <translation>悬挑</translation>
    </message>
    <message>
        <source>Canopy</source>
        <translation>雨篷</translation>
    </message>
    <message>
        <source>Defect</source>
        <translation>不合规原因</translation>
    </message>
    <message>
        <source>Rectify by</source>
        <translation>整改期限</translation>
    </message>
    <message>
        <source>Rectified on</source>
        <translation>整改日期</translation>
    </message>
</context>
<context>
    <name>Registry:components</name>
    <message>
        <source>Municipal components</source>
        <translation>市政设施部件</translation>
    </message>
    <message>
        <source>Intact</source>
        <translation>完好</translation>
    </message>
    <message>
        <source>Damaged</source>
        <translation>破损</translation>
    </message>
    <message>
        <source>Missing</source>
        <translation>丢失</translation>
    </message>
    <message>
        <source>Under repair</source>
        <translation>维修中</translation>
    </message>
    <message>
        <source>Report damage</source>
        <translation>报告破损</translation>
    </message>
    <message>
        <source>Report missing</source>
        <translation>报告丢失</translation>
    </message>
    <message>
        <source>Start repair</source>
        <translation>开始维修</translation>
    </message>
    <message>
        <source>Repaired</source>
        <translation>修复完成</translation>
    </message>
    <message>
        <source>Component</source>
        <translation>部件类型</translation>
    </message>
    <message>
        <source>Manhole cover</source>
        <translation>井盖</translation>
    </message>
    <message>
        <source>Street light</source>
        <translation>路灯</translation>
    </message>
    <message>
        <source>Drain grate</source>
        <translation>雨水篦子</translation>
    </message>
    <message>
        <source>Public toilet</source>
        <translation>公厕</translation>
    </message>
    <message>
        <source>Owner</source>
        <translation>权属单位</translation>
    </message>
    <message>
        <source>Installed on</source>
        <translation>建成日期</translation>
    </message>
    <message>
        <source>Damage</source>
        <translation>损坏情况</translation>
    </message>
    <message>
        <source>Repaired on</source>
        <translation>修复日期</translation>
    </message>
</context>
<context>
    <name>Registry:illegal_buildings</name>
    <message>
        <source>Illegal buildings</source>
        <translation>违法建设</translation>
    </message>
    <message>
        <source>Found</source>
        <translation>已发现</translation>
    </message>
    <message>
        <source>Demolition notice served</source>
        <translation>已下达限拆通知</translation>
    </message>
    <message>
        <source>Referred to court</source>
        <translation>已申请法院强拆</translation>
    </message>
    <message>
        <source>Demolished by the owner</source>
        <translation>自行拆除</translation>
    </message>
    <message>
        <source>Demolished by force</source>
        <translation>强制拆除</translation>
    </message>
    <message>
        <source>Serve demolition notice</source>
        <translation>下达限拆通知</translation>
    </message>
    <message>
        <source>Confirm demolished by the owner</source>
        <translation>确认自行拆除</translation>
    </message>
    <message>
        <source>Demolish by force</source>
        <translation>强制拆除</translation>
    </message>
    <message>
        <source>Apply to court for enforcement</source>
        <translation>申请法院强制执行</translation>
    </message>
    <message>
        <source>Area</source>
        <translation>面积</translation>
    </message>
    <message>
        <source>Found on</source>
        <translation>发现日期</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>New</source>
        <translation>新增</translation>
    </message>
    <message>
        <source>Stock</source>
        <translation>存量</translation>
    </message>
    <message>
        <source>Structure</source>
        <translation>结构</translation>
    </message>
    <message>
        <source>Brick</source>
        <translation>砖混</translation>
    </message>
    <message>
        <source>Colour steel</source>
        <translation>彩钢</translation>
    </message>
    <message>
        <source>Timber</source>
        <translation>木结构</translation>
    </message>
    <message>
        <source>Frame</source>
        <translation>框架</translation>
    </message>
    <message>
        <source>Other</source>
        <translation>其他</translation>
    </message>
    <message>
        <source>Party</source>
        <translation>当事人</translation>
    </message>
    <message>
        <source>Notice no.</source>
        <translation>限拆通知书文号</translation>
    </message>
    <message>
        <source>Served on</source>
        <translation>送达日期</translation>
    </message>
    <message>
        <source>Demolish by</source>
        <translation>限期拆除日期</translation>
    </message>
    <message>
        <source>Demolished on</source>
        <translation>拆除日期</translation>
    </message>
    <message>
        <source>Court case no.</source>
        <translation>法院案号</translation>
    </message>
</context>
<context>
    <name>Registry:markets</name>
    <message>
        <source>Markets</source>
        <translation>便民市场与农贸市场</translation>
    </message>
    <message>
        <source>Planned</source>
        <translation>规划</translation>
    </message>
    <message>
        <source>Under works</source>
        <translation>建设/改造中</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>营业</translation>
    </message>
    <message>
        <source>Closed</source>
        <translation>已关闭</translation>
    </message>
    <message>
        <source>Start works</source>
        <translation>开工建设/改造</translation>
    </message>
    <message>
        <source>Open for business</source>
        <translation>开业</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>Convenience market</source>
        <translation>便民市场</translation>
    </message>
    <message>
        <source>Farmers&apos; market</source>
        <translation>农贸市场</translation>
    </message>
    <message>
        <source>Smart farmers&apos; market</source>
        <translation>智慧农贸市场</translation>
    </message>
    <message>
        <source>Stalls</source>
        <translation>摊位数</translation>
    </message>
    <message>
        <source>Opens</source>
        <translation>开市时间</translation>
    </message>
    <message>
        <source>Closes</source>
        <translation>闭市时间</translation>
    </message>
    <message>
        <source>Operator</source>
        <translation>管理单位</translation>
    </message>
    <message>
        <source>Upgrade due</source>
        <translation>智慧化改造完成期限</translation>
    </message>
</context>
<context>
    <name>Registry:parking</name>
    <message>
        <source>Parking</source>
        <translation>停车设施</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>开放</translation>
    </message>
    <message>
        <source>Closed</source>
        <translation>暂停使用</translation>
    </message>
    <message>
        <source>Planned</source>
        <translation>规划建设</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>暂停使用</translation>
    </message>
    <message>
        <source>Reopen</source>
        <translation>恢复开放</translation>
    </message>
    <message>
        <source>Report occupancy</source>
        <translation>更新占用</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>Car park</source>
        <translation>公共停车场</translation>
    </message>
    <message>
        <source>On-street berths</source>
        <translation>路内泊位</translation>
    </message>
    <message>
        <source>Berths</source>
        <translation>泊位数</translation>
    </message>
    <message>
        <source>Occupied</source>
        <translation>在用泊位</translation>
    </message>
    <message>
        <source>Occupancy at</source>
        <translation>占用更新时间</translation>
    </message>
    <message>
        <source>Occupancy feed</source>
        <translation>占用数据源</translation>
    </message>
    <message>
        <source>Fees</source>
        <translation>收费标准</translation>
    </message>
    <message>
        <source>Operator</source>
        <translation>管理单位</translation>
    </message>
</context>
<context>
    <name>Registry:projects</name>
    <message>
        <source>Key projects</source>
        <translation>重点项目</translation>
    </message>
    <message>
        <source>Preparing</source>
        <translation>前期</translation>
    </message>
    <message>
        <source>In progress</source>
        <translation>在建</translation>
    </message>
    <message>
        <source>Suspended</source>
        <translation>停工</translation>
    </message>
    <message>
        <source>Completed</source>
        <translation>竣工</translation>
    </message>
    <message>
        <source>Start</source>
        <translation>开工</translation>
    </message>
    <message>
        <source>Report progress</source>
        <translation>报告进度</translation>
    </message>
    <message>
        <source>Suspend</source>
        <translation>停工</translation>
    </message>
    <message>
        <source>Resume</source>
        <translation>复工</translation>
    </message>
    <message>
        <source>Complete</source>
        <translation>竣工</translation>
    </message>
    <message>
        <source>Plan section</source>
        <translation>规划条目</translation>
    </message>
    <message>
        <source>Responsible unit</source>
        <translation>责任单位</translation>
    </message>
    <message>
        <source>Started on</source>
        <translation>开工日期</translation>
    </message>
    <message>
        <source>Due on</source>
        <translation>计划完成日期</translation>
    </message>
    <message>
        <source>Budget</source>
        <translation>投资</translation>
    </message>
    <message>
        <source>Progress</source>
        <translation>进度</translation>
    </message>
    <message>
        <source>Latest milestone</source>
        <translation>最新节点</translation>
    </message>
    <message>
        <source>Next milestone</source>
        <translation>下一节点</translation>
    </message>
    <message>
        <source>Next milestone due</source>
        <translation>节点期限</translation>
    </message>
    <message>
        <source>Completed on</source>
        <translation>竣工日期</translation>
    </message>
</context>
<context>
    <name>Registry:shopfronts</name>
    <message>
        <source>Shop-front contracts</source>
        <translation>门前承包责任制</translation>
    </message>
    <message>
        <source>Not informed</source>
        <translation>未告知</translation>
    </message>
    <message>
        <source>Informed, not signed</source>
        <translation>已告知未签订</translation>
    </message>
    <message>
        <source>Signed</source>
        <translation>已签订</translation>
    </message>
    <message>
        <source>Inform</source>
        <translation>告知</translation>
    </message>
    <message>
        <source>Sign the contract</source>
        <translation>签订责任书</translation>
    </message>
    <message>
        <source>Inspect</source>
        <translation>检查</translation>
    </message>
    <message>
        <source>Business</source>
        <translation>经营类别</translation>
    </message>
    <message>
        <source>Contact</source>
        <translation>负责人</translation>
    </message>
    <message>
        <source>Informed on</source>
        <translation>告知日期</translation>
    </message>
    <message>
        <source>Signed on</source>
        <translation>签订日期</translation>
    </message>
    <message>
        <source>Last inspected on</source>
        <translation>最近检查日期</translation>
    </message>
    <message>
        <source>Last result</source>
        <translation>最近检查结果</translation>
    </message>
    <message>
        <source>Fulfilled</source>
        <translation>落实</translation>
    </message>
    <message>
        <source>Not fulfilled</source>
        <translation>未落实</translation>
    </message>
</context>
<context>
    <name>RegistryForms</name>
    <message>
        <source>Yes</source>
        <translation>是</translation>
    </message>
    <message>
        <source>No</source>
        <translation>否</translation>
    </message>
    <message>
        <source>Not set</source>
        <translation>未填</translation>
    </message>
    <message>
        <source>(not set)</source>
        <translation>（未填）</translation>
    </message>
    <message>
        <source> ({unit})</source>
        <translation>（{unit}）</translation>
    </message>
    <message>
        <source>OK</source>
        <translation>确定</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Note *</source>
        <translation>备注 *</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>备注</translation>
    </message>
    <message>
        <source>, </source>
        <translation>、</translation>
    </message>
    <message>
        <source>Fill in: {fields}</source>
        <translation>请填写：{fields}</translation>
    </message>
    <message>
        <source>Not saved: {error}</source>
        <translation>未保存：{error}</translation>
    </message>
</context>
<context>
    <name>RegistryPanel</name>
    <message>
        <source>, </source>
        <translation>、</translation>
    </message>
    <message>
        <source>Entered</source>
        <translation>登记</translation>
    </message>
    <message>
        <source>Edited</source>
        <translation>编辑</translation>
    </message>
    <message>
        <source>Case linked</source>
        <translation>关联案件</translation>
    </message>
    <message>
        <source>Case unlinked</source>
        <translation>解除关联</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>地址</translation>
    </message>
    <message>
        <source>Place</source>
        <translation>位置</translation>
    </message>
    <message>
        <source>Changed: {fields}</source>
        <translation>修改：{fields}</translation>
    </message>
    <message>
        <source>{label}: {value}</source>
        <translation>{label}：{value}</translation>
    </message>
    <message>
        <source>Note: {note}</source>
        <translation>备注：{note}</translation>
    </message>
    <message>
        <source>; </source>
        <translation>；</translation>
    </message>
    <message>
        <source>{what}: {roles} only</source>
        <translation>{what}：仅限{roles}</translation>
    </message>
    <message>
        <source>Code</source>
        <translation>编号</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Street</source>
        <translation>街道</translation>
    </message>
    <message>
        <source>Linked cases</source>
        <translation>关联案件</translation>
    </message>
    <message>
        <source>Updated</source>
        <translation>更新时间</translation>
    </message>
    <message>
        <source>{status} · overdue</source>
        <translation>{status} · 超期</translation>
    </message>
    <message>
        <source>{type} intact rate</source>
        <translation>{type}完好率</translation>
    </message>
    <message>
        <source>Overdue, still standing</source>
        <translation>超期未拆</translation>
    </message>
    <message>
        <source>Overdue, not rectified</source>
        <translation>超期未整改</translation>
    </message>
    <message>
        <source>Overdue projects</source>
        <translation>超期项目</translation>
    </message>
    <message>
        <source>New this year (target 0)</source>
        <translation>本年新增（目标 0）</translation>
    </message>
    <message>
        <source>Older ones still standing</source>
        <translation>存量未拆</translation>
    </message>
    <message>
        <source>Demolished this year</source>
        <translation>本年拆除</translation>
    </message>
    <message>
        <source>Compliance rate</source>
        <translation>合规率</translation>
    </message>
    <message>
        <source>To be rectified</source>
        <translation>待整改</translation>
    </message>
    <message>
        <source>Spaces (open car parks)</source>
        <translation>泊位总数（开放）</translation>
    </message>
    <message>
        <source>Occupancy now</source>
        <translation>实时占用率</translation>
    </message>
    <message>
        <source>Car parks reporting occupancy</source>
        <translation>上报占用的停车设施</translation>
    </message>
    <message>
        <source>Smart farmers&apos; markets (target 14)</source>
        <translation>智慧农贸市场（目标 14）</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>营业</translation>
    </message>
    <message>
        <source>Being built or upgraded</source>
        <translation>建设/改造中</translation>
    </message>
    <message>
        <source>Informed rate</source>
        <translation>知晓率</translation>
    </message>
    <message>
        <source>Signed rate</source>
        <translation>签订率</translation>
    </message>
    <message>
        <source>Fulfilled rate</source>
        <translation>落实率</translation>
    </message>
    <message>
        <source>Intact rate (all components)</source>
        <translation>完好率（全部部件）</translation>
    </message>
    <message>
        <source>Under way</source>
        <translation>在建</translation>
    </message>
    <message>
        <source>Completed</source>
        <translation>竣工</translation>
    </message>
    <message>
        <source>Overdue</source>
        <translation>超期</translation>
    </message>
</context>
<context>
    <name>RegistryUnits</name>
    <message>
        <source>pcs</source>
        <translation>个</translation>
    </message>
    <message>
        <source>10k yuan</source>
        <translation>万元</translation>
    </message>
</context>
<context>
    <name>RegistryWindow</name>
    <message>
        <source>City registries</source>
        <translation>城市台账</translation>
    </message>
    <message>
        <source>Entering and editing registry objects</source>
        <translation>登记和编辑台账</translation>
    </message>
    <message>
        <source>Taking registry steps</source>
        <translation>办理台账环节</translation>
    </message>
    <message>
        <source>Could not load: {error}</source>
        <translation>未能加载：{error}</translation>
    </message>
</context>
<context>
    <name>ReportDialog</name>
    <message>
        <source>Report a case</source>
        <translation>上报案卷</translation>
    </message>
    <message>
        <source>Search categories (code or name)…</source>
        <translation>搜索类别（编码或名称）…</translation>
    </message>
    <message>
        <source>Point on the map</source>
        <translation>地图选点</translation>
    </message>
    <message>
        <source>Unit-grid code</source>
        <translation>单元网格编码</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>地址</translation>
    </message>
    <message>
        <source>15 digits, e.g. 211302001001002</source>
        <translation>15 位数字，如 211302001001002</translation>
    </message>
    <message>
        <source>Find grid</source>
        <translation>查找网格</translation>
    </message>
    <message>
        <source>Street and number, landmark…</source>
        <translation>街道门牌、标志物…</translation>
    </message>
    <message>
        <source>Locate address</source>
        <translation>定位地址</translation>
    </message>
    <message>
        <source>No address search is available; the address is kept as text.</source>
        <translation>无地址检索服务；地址仅作为文字保存。</translation>
    </message>
    <message>
        <source>Location</source>
        <translation>位置</translation>
    </message>
    <message>
        <source>Merge as a duplicate into that case</source>
        <translation>作为重复案卷合并</translation>
    </message>
    <message>
        <source>What is wrong, since when, who is affected…</source>
        <translation>问题是什么、持续多久、影响到谁…</translation>
    </message>
    <message>
        <source>Add photos…</source>
        <translation>添加照片…</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>移除</translation>
    </message>
    <message>
        <source>Report</source>
        <translation>上报</translation>
    </message>
    <message>
        <source>Source</source>
        <translation>来源</translation>
    </message>
    <message>
        <source>Category</source>
        <translation>类别</translation>
    </message>
    <message>
        <source>Description</source>
        <translation>问题描述</translation>
    </message>
    <message>
        <source>Photos</source>
        <translation>照片</translation>
    </message>
    <message>
        <source>“{text}” is not a unit-grid code: it has 15 digits.</source>
        <translation>「{text}」不是单元网格编码：编码为 15 位数字。</translation>
    </message>
    <message>
        <source>No unit grid has the code {code}.</source>
        <translation>没有编码为 {code} 的单元网格。</translation>
    </message>
    <message>
        <source>The address could not be found on the map.</source>
        <translation>地图上找不到该地址。</translation>
    </message>
    <message>
        <source>Choose a category from the tree.</source>
        <translation>请从类别树中选择类别。</translation>
    </message>
    <message>
        <source>Set the location: pick a point on the map, or type a unit-grid code.</source>
        <translation>请设置位置：在地图上选点，或输入单元网格编码。</translation>
    </message>
    <message>
        <source>Components</source>
        <translation>部件</translation>
    </message>
    <message>
        <source>Events</source>
        <translation>事件</translation>
    </message>
    <message>
        <source>No category chosen.</source>
        <translation>尚未选择类别。</translation>
    </message>
    <message>
        <source>{label} · {major} · time limit {limit}</source>
        <translation>{label} · {major} · 时限 {limit}</translation>
    </message>
    <message>
        <source>urgent</source>
        <translation>紧急</translation>
    </message>
    <message>
        <source>Not set: right-click the map, “Report a case here”.</source>
        <translation>未设置：在地图上右键选择「在此上报案件」。</translation>
    </message>
    <message>
        <source>No location yet.</source>
        <translation>尚无位置。</translation>
    </message>
    <message>
        <source>The case will be filed at {lon:.6f}, {lat:.6f}.</source>
        <translation>案卷将登记在 {lon:.6f}, {lat:.6f}。</translation>
    </message>
    <message>
        <source>(centre of grid {code})</source>
        <translation>（网格 {code} 的中心）</translation>
    </message>
    <message>
        <source>A case of the same category is open {m} m away: {no}</source>
        <translation>{m} 米外已有同类未结案卷：{no}</translation>
    </message>
    <message>
        <source>(and {n} more within 50 m)</source>
        <translation>（50 米内另有 {n} 件）</translation>
    </message>
    <message>
        <source>Merge as a duplicate into case {no}</source>
        <translation>作为重复案卷合并至 {no}</translation>
    </message>
    <message>
        <source>Merge</source>
        <translation>合并</translation>
    </message>
    <message>
        <source>Add photos</source>
        <translation>添加照片</translation>
    </message>
    <message>
        <source>Images (*.jpg *.jpeg *.png *.bmp *.webp)</source>
        <translation>图片 (*.jpg *.jpeg *.png *.bmp *.webp)</translation>
    </message>
</context>
<context>
    <name>Role</name>
    <message>
        <source>Inspector</source>
        <translation>监督员</translation>
    </message>
    <message>
        <source>Intake operator</source>
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
        <translation>管理员</translation>
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
    <name>SeedStage</name>
    <message>
        <source>grids and organisation</source>
        <translation>网格与组织</translation>
    </message>
    <message>
        <source>squads</source>
        <translation>执法中队</translation>
    </message>
    <message>
        <source>done</source>
        <translation>完成</translation>
    </message>
    <message>
        <source>cases {0}/{1}</source>
        <translation>案件 {0}/{1}</translation>
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
    <message>
        <source>Shift</source>
        <translation>班次</translation>
    </message>
    <message>
        <source>Position</source>
        <translation>定位</translation>
    </message>
    <message>
        <source>All day</source>
        <translation>全天</translation>
    </message>
    <message>
        <source>{shift} (off)</source>
        <translation>{shift}（非当班）</translation>
    </message>
    <message>
        <source>fix {time}</source>
        <translation>定位 {time}</translation>
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
        <source>Idle</source>
        <translation>空闲</translation>
    </message>
    <message>
        <source>On the way</source>
        <translation>出动中</translation>
    </message>
    <message>
        <source>Offline</source>
        <translation>离线</translation>
    </message>
    <message>
        <source>Off duty</source>
        <translation>离岗</translation>
    </message>
</context>
<context>
    <name>StepDialog</name>
    <message>
        <source>{name}: {before} → {after}</source>
        <translation>{name}：{before} → {after}</translation>
    </message>
</context>
<context>
    <name>SuggestionsPanel</name>
    <message>
        <source>Accept as case</source>
        <translation>立为案件</translation>
    </message>
    <message>
        <source>Dismiss</source>
        <translation>忽略</translation>
    </message>
    <message>
        <source>{category} · {camera} {zone}
{time} · moving {peak:.0%} · {grid}</source>
        <translation>{category} · {camera} {zone}
{time} · 活动占比 {peak:.0%} · {grid}</translation>
    </message>
    <message>
        <source>{n} suggested by the cameras, waiting for a decision.</source>
        <translation>视频发现 {n} 条，待受理。</translation>
    </message>
    <message>
        <source>No suggestion from the cameras is waiting.</source>
        <translation>暂无待受理的视频发现。</translation>
    </message>
    <message>
        <source>Not done: {error}</source>
        <translation>未完成：{error}</translation>
    </message>
</context>
<context>
    <name>TransferDialog</name>
    <message>
        <source>Transfer to a judicial body</source>
        <translation>移送司法机关</translation>
    </message>
    <message>
        <source>choose or type a document</source>
        <translation>选择或输入材料名称</translation>
    </message>
    <message>
        <source>Add</source>
        <translation>添加</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>移除</translation>
    </message>
    <message>
        <source>Double-click a document to edit it; list every piece sent.</source>
        <translation>双击可修改材料名称；请列出随案移送的全部材料。</translation>
    </message>
    <message>
        <source>why the case goes to the body (required)</source>
        <translation>移送理由（必填）</translation>
    </message>
    <message>
        <source>Transfer</source>
        <translation>移送</translation>
    </message>
    <message>
        <source>Case</source>
        <translation>案件</translation>
    </message>
    <message>
        <source>To</source>
        <translation>移送机关</translation>
    </message>
    <message>
        <source>Documents sent</source>
        <translation>移送材料</translation>
    </message>
    <message>
        <source>Reason *</source>
        <translation>移送理由 *</translation>
    </message>
    <message>
        <source>List at least one document sent with the case.</source>
        <translation>请至少列出一份随案移送的材料。</translation>
    </message>
    <message>
        <source>Give the reason for the transfer.</source>
        <translation>请填写移送理由。</translation>
    </message>
</context>
<context>
    <name>TransferModel</name>
    <message>
        <source>Case no.</source>
        <translation>案件编号</translation>
    </message>
    <message>
        <source>Sent to</source>
        <translation>移送机关</translation>
    </message>
    <message>
        <source>Sent at</source>
        <translation>移送时间</translation>
    </message>
    <message>
        <source>Sent by</source>
        <translation>移送人</translation>
    </message>
    <message>
        <source>Documents</source>
        <translation>移送材料</translation>
    </message>
    <message>
        <source>File no.</source>
        <translation>文号</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Feedback at</source>
        <translation>反馈时间</translation>
    </message>
    <message>
        <source>Outcome</source>
        <translation>处理结果</translation>
    </message>
</context>
<context>
    <name>VideoDesk</name>
    <message>
        <source>Camera suggestions</source>
        <translation>视频发现</translation>
    </message>
    <message>
        <source>Open a case first: the evidence goes to the open case.</source>
        <translation>请先打开一个案卷：证据将附在当前案卷上。</translation>
    </message>
    <message>
        <source>Sign in to attach evidence.</source>
        <translation>请登录后再附加证据。</translation>
    </message>
    <message>
        <source>Select a playing tile on the camera wall first.</source>
        <translation>请先在视频墙上选中一个正在播放的画面。</translation>
    </message>
    <message>
        <source>Snapshot attached to the case.</source>
        <translation>截图已附加到案卷。</translation>
    </message>
    <message>
        <source>Saving the last {n} s of the selected camera…</source>
        <translation>正在保存所选摄像头最近 {n} 秒录像…</translation>
    </message>
    <message>
        <source>Clip attached to the case.</source>
        <translation>录像已附加到案卷。</translation>
    </message>
    <message>
        <source>Only the shift chief, a supervisor or the administrator may change motion zones.</source>
        <translation>只有值班长、督查或管理员可以修改侦测区域。</translation>
    </message>
    <message>
        <source>Motion zones of {camera} saved.</source>
        <translation>{camera} 的侦测区域已保存。</translation>
    </message>
    <message>
        <source>Not saved</source>
        <translation>未保存</translation>
    </message>
    <message>
        <source>The zones were not saved; see the message.</source>
        <translation>侦测区域未保存，请查看提示信息。</translation>
    </message>
</context>
<context>
    <name>VideoTile</name>
    <message>
        <source>Live</source>
        <translation>直播</translation>
    </message>
    <message>
        <source>Connecting…</source>
        <translation>连接中…</translation>
    </message>
    <message>
        <source>Lost</source>
        <translation>已断开</translation>
    </message>
    <message>
        <source>Lost since %1</source>
        <translation>已断开（最后画面 %1）</translation>
    </message>
    <message>
        <source>Stopped</source>
        <translation>已停止</translation>
    </message>
    <message>
        <source>%1 fps · %2</source>
        <translation>%1 帧/秒 · %2</translation>
    </message>
    <message>
        <source>Signal lost</source>
        <translation>信号中断</translation>
    </message>
    <message>
        <source>No camera</source>
        <translation>无摄像头</translation>
    </message>
</context>
<context>
    <name>WallScreen</name>
    <message>
        <source>{s} s</source>
        <translation>{s} 秒</translation>
    </message>
    <message>
        <source>{m} min {s} s</source>
        <translation>{m} 分 {s} 秒</translation>
    </message>
    <message>
        <source>{h} h {m} min</source>
        <translation>{h} 小时 {m} 分</translation>
    </message>
    <message>
        <source>Command Center — Wall Screen</source>
        <translation>指挥中心 — 大屏</translation>
    </message>
    <message>
        <source>Updated {time}</source>
        <translation>更新于 {time}</translation>
    </message>
</context>
<context>
    <name>ZoneEditor</name>
    <message>
        <source>A zone needs at least 3 points and some area</source>
        <translation>区域至少需要 3 个点且有面积</translation>
    </message>
    <message>
        <source>That would leave the zone without area; vertex not moved</source>
        <translation>这样区域将没有面积，顶点未移动</translation>
    </message>
    <message>
        <source>No camera image</source>
        <translation>无摄像头画面</translation>
    </message>
    <message>
        <source>Click to add points · double-click or Enter to finish · Backspace removes the last point · Esc cancels</source>
        <translation>单击添加顶点 · 双击或回车完成 · 退格删除上一个顶点 · Esc 取消</translation>
    </message>
    <message>
        <source>Drag a corner to move it · Delete removes the zone · Esc deselects</source>
        <translation>拖动顶点移动 · Delete 删除区域 · Esc 取消选择</translation>
    </message>
    <message>
        <source>Click outside the zones to draw a new one · click a zone to select it</source>
        <translation>在区域外单击开始绘制新区域 · 单击区域选中它</translation>
    </message>
    <message>
        <source>Zone {n}</source>
        <translation>区域 {n}</translation>
    </message>
</context>
<context>
    <name>ZonesDialog</name>
    <message>
        <source>Mon</source>
        <translation>周一</translation>
    </message>
    <message>
        <source>Tue</source>
        <translation>周二</translation>
    </message>
    <message>
        <source>Wed</source>
        <translation>周三</translation>
    </message>
    <message>
        <source>Thu</source>
        <translation>周四</translation>
    </message>
    <message>
        <source>Fri</source>
        <translation>周五</translation>
    </message>
    <message>
        <source>Sat</source>
        <translation>周六</translation>
    </message>
    <message>
        <source>Sun</source>
        <translation>周日</translation>
    </message>
    <message>
        <source>Motion zones — {camera}</source>
        <translation>侦测区域 — {camera}</translation>
    </message>
    <message>
        <source> s</source>
        <translation> 秒</translation>
    </message>
    <message>
        <source> min</source>
        <translation> 分钟</translation>
    </message>
    <message>
        <source>Always</source>
        <translation>全天候</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>Suggests</source>
        <translation>建议案件类别</translation>
    </message>
    <message>
        <source>Moving share</source>
        <translation>活动占比阈值</translation>
    </message>
    <message>
        <source>For at least</source>
        <translation>持续至少</translation>
    </message>
    <message>
        <source>Then quiet for</source>
        <translation>之后静默</translation>
    </message>
    <message>
        <source>When</source>
        <translation>生效时段</translation>
    </message>
    <message>
        <source>Selected zone</source>
        <translation>所选区域</translation>
    </message>
    <message>
        <source>Click to add corners, double-click to close a zone; click a zone to select it, Delete removes it.</source>
        <translation>单击添加顶点，双击闭合区域；单击区域选中，Delete 删除。</translation>
    </message>
</context>
<context>
    <name>_Header</name>
    <message>
        <source>Urban Management Command Center</source>
        <translation>智慧城管指挥中心</translation>
    </message>
    <message>
        <source>Waiting for data…</source>
        <translation>等待数据…</translation>
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
