"""Fill the places app's zh-Hans catalogue and compile it (run after `makemessages` in yizuyihui/places)."""

from pathlib import Path

from yizuyihui.core.catalogue import fill

ZH = {
    "Map of the three rates by unit": "三率分布地图（按一组一会）", "Units on the map": "已上图的一组一会",
    "Responded in time, resolved and overdue, unit by unit": "按一组一会查看及时响应、办结和超期情况",
    "The coordinates are not numbers": "坐标不是数字",
    "Latitude and longitude look swapped (%(lat)s, %(long)s)": "纬度和经度似乎填反了（%(lat)s, %(long)s）",
    "Coordinates must be WGS-84 degrees, not projected metres": "坐标应为 WGS-84 经纬度（度），而不是投影坐标（米）",
    "The point (%(lat)s, %(long)s) is outside China": "该点（%(lat)s, %(long)s）不在中国境内",
    "The geometry must be a GeoJSON Polygon or MultiPolygon": "几何类型应为 GeoJSON 的 Polygon 或 MultiPolygon",
    "Malformed polygon: %(error)s": "多边形格式错误：%(error)s", "The polygon is empty": "多边形为空",
    "The polygon has coordinates that are not numbers": "多边形含有非数字坐标",
    "Latitude and longitude look swapped: GeoJSON puts longitude first": "经纬度似乎填反了：GeoJSON 应经度在前",
    "The polygon lies (partly) outside China": "多边形（部分）不在中国境内",
    "Invalid polygon: %(reason)s": "多边形无效：%(reason)s", "The polygon has no area": "多边形面积为零",
    "No unit boundaries have been imported": "尚未导入一组一会的边界",
    "The point (%(lat)s, %(long)s) is outside the city": "该点（%(lat)s, %(long)s）不在本市范围内",
    "Map": "地图", "node": "节点", "geometry": "几何形状", "source": "来源", "boundary": "边界", "boundaries": "边界",
    "household": "住户", "latitude": "纬度", "longitude": "经度", "household location": "住户位置",
    "household locations": "住户位置", "Not a GeoJSON file: %(error)s": "不是 GeoJSON 文件：%(error)s",
    "A GeoJSON FeatureCollection was expected": "应为 GeoJSON FeatureCollection",
    "The zip must hold .shp, .shx and .dbf files": "压缩包中应包含 .shp、.shx 和 .dbf 文件",
    "The Shapefile is projected (%(crs)s); export it in WGS-84 or CGCS2000 degrees":
        "该 Shapefile 为投影坐标（%(crs)s），请以 WGS-84 或 CGCS2000 经纬度导出",
    "No code property (one of %(keys)s)": "缺少编码属性（%(keys)s 之一）",
    "No organisation node has this code": "没有组织节点使用此编码", "Same code as feature %(n)s": "与第 %(n)s 个要素编码相同",
    "The point is not in the household's unit": "该点不在住户所属的一组一会内",
    "Where? Tap the map or use “Here”": "在哪里？点地图，或点“就在这里”", "Your location is not available": "无法获取您的位置",
    "Here": "就在这里", "Public board": "公示栏", "List": "列表", "Overdue": "超期", "Measures": "指标", "no matters": "无事项",
    "Units coloured by the measure over the last 365 days (overdue: open matters past their deadline now).":
        "按近365天的指标为一组一会着色（超期：当前已过期限的未办结事项）。",
    "Map of matters": "事项地图", "Open matters": "未办结事项", "Also closed (90 days)": "含已办结（90天）",
    "lat and long are required": "需要提供纬度和经度", "Responded in time": "及时响应", "Resolved": "办结",
    "Overdue now": "当前超期",
    "{n} matters on the map": "地图上共 {n} 件事项", "No matter with a place to show.": "没有可在地图上显示位置的事项。",
}


if __name__ == "__main__":
    fill(Path(__file__).parent, ZH)
