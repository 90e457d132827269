// The emerging hot-spot categories in words, for the briefing and the map legend (zh as ArcGIS Pro's Chinese
// interface names them, en as its English one).

export const EMERGING_NAMES: Record<string, { zh: string; en: string }> = {
  new_hot: { zh: '新增热点', en: 'New hot spot' },
  consecutive_hot: { zh: '连续热点', en: 'Consecutive hot spot' },
  intensifying_hot: { zh: '加剧热点', en: 'Intensifying hot spot' },
  persistent_hot: { zh: '持续热点', en: 'Persistent hot spot' },
  diminishing_hot: { zh: '减弱热点', en: 'Diminishing hot spot' },
  sporadic_hot: { zh: '零星热点', en: 'Sporadic hot spot' },
  oscillating_hot: { zh: '振荡热点', en: 'Oscillating hot spot' },
  historical_hot: { zh: '历史热点', en: 'Historical hot spot' },
  new_cold: { zh: '新增冷点', en: 'New cold spot' },
  consecutive_cold: { zh: '连续冷点', en: 'Consecutive cold spot' },
  intensifying_cold: { zh: '加剧冷点', en: 'Intensifying cold spot' },
  persistent_cold: { zh: '持续冷点', en: 'Persistent cold spot' },
  diminishing_cold: { zh: '减弱冷点', en: 'Diminishing cold spot' },
  sporadic_cold: { zh: '零星冷点', en: 'Sporadic cold spot' },
  oscillating_cold: { zh: '振荡冷点', en: 'Oscillating cold spot' },
  historical_cold: { zh: '历史冷点', en: 'Historical cold spot' },
  none: { zh: '无明显模式', en: 'No pattern detected' },
};

export const TREND_NAMES = {
  rising: { zh: '上升', en: 'rising' },
  falling: { zh: '下降', en: 'falling' },
  steady: { zh: '无明显趋势', en: 'no clear trend' },
} as const;
