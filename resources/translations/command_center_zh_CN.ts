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
            <source>Fit map to city</source>
            <translation>地图缩放至全市</translation>
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
            <source>&amp;About</source>
            <translation>关于(&amp;A)</translation>
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
        <name>MapView</name>
        <message>
            <source>District boundary</source>
            <translation>区界</translation>
        </message>
        <message>
            <source>River</source>
            <translation>河流</translation>
        </message>
        <message>
            <source>Open cases: {n}</source>
            <translation>在办案件：{n}</translation>
        </message>
        <message>
            <source>Overdue: {n}</source>
            <translation>超期：{n}</translation>
        </message>
        <message>
            <source>Cameras: {n}</source>
            <translation>摄像头：{n}</translation>
        </message>
        <message>
            <source>Squads</source>
            <translation>执法中队</translation>
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
            <source>Seeding the demo city of Chaoyang: {0} {1}%</source>
            <translation>正在生成朝阳市演示数据：{0} {1}%</translation>
        </message>
        <message>
            <source>Seeding the demo city of Chaoyang…</source>
            <translation>正在生成朝阳市演示数据…</translation>
        </message>
    </context>
</TS>
