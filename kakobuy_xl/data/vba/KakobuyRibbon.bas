Attribute VB_Name = "KakobuyRibbon"
' Kakobuy ribbon callbacks. Source: kakobuy_xl/data/vba/KakobuyRibbon.bas; the workbook
' copy is rebuilt by `kakobuy build-workbook`, so edit this file, not the workbook.
' Every button of the Kakobuy tab (ribbon.xml) has onAction="KB_OnAction". The button id
' is the name of the Python function in kakobuy_xl/excel.py that the click runs.
Option Explicit

Sub KB_OnAction(control As IRibbonControl)
    RunPython "import kakobuy_xl.excel as kb; kb.run_button('" & control.ID & "')"
End Sub
